"""The settings table: typed reads, persistence, recent projects."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from studio.settings import MAX_RECENT_PROJECTS, SETTINGS, Settings


def test_every_row_reads_back_its_default_with_its_type(settings):
    for row in SETTINGS:
        value = settings.get(row.key)
        assert isinstance(value, row.type), row.key
        assert value == row.default, row.key
        assert row.description


def test_values_persist_across_instances_with_their_types(settings):
    settings.set("projects/image_size", 128)
    settings.set("startup/reopen_last", True)
    settings.set("window/geometry", QByteArray(b"\x01\x02"))
    settings.sync()
    fresh = Settings()
    assert fresh.get("projects/image_size") == 128
    assert fresh.get("startup/reopen_last") is True
    assert fresh.get("window/geometry") == QByteArray(b"\x01\x02")


def test_recent_projects_newest_first_unique_capped_and_existing(settings, tmp_path):
    paths = []
    for index in range(MAX_RECENT_PROJECTS + 2):
        path = tmp_path / f"p{index}.latentia"
        path.mkdir()
        paths.append(str(path))
        settings.add_recent_project(str(path))
    settings.add_recent_project(paths[5])  # reopening moves it to the top, once
    recent = settings.recent_projects()
    assert recent[0] == paths[5]
    assert len(recent) == MAX_RECENT_PROJECTS and len(set(recent)) == len(recent)
    (tmp_path / "p11.latentia").rmdir()
    assert paths[11] not in settings.recent_projects()  # gone from disk, gone from the list
    settings.set("recent/projects", [paths[0]])  # a one-item list survives the INI round trip
    assert Settings().recent_projects() == [paths[0]]
