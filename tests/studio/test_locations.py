"""Bundled files are found the same way from a checkout, an installed wheel and a frozen build:
next to the studio package first (where the wheel and PyInstaller put them), then in the
checkout's top level."""

from __future__ import annotations

from pathlib import Path

from studio import locations


def test_a_package_copy_next_to_studio_wins(tmp_path, monkeypatch):
    studio = tmp_path / "site-packages" / "studio"
    (studio / "resources").mkdir(parents=True)
    monkeypatch.setattr(locations, "STUDIO", studio)
    monkeypatch.setattr(locations, "CHECKOUT", tmp_path / "checkout")
    assert locations._bundled("resources", "resources") == studio / "resources"
    assert locations._bundled("desktop_files", "packaging/linux") == \
        tmp_path / "checkout" / "packaging" / "linux"


def test_this_checkout_finds_its_own_files():
    root = Path(__file__).resolve().parents[2]
    assert root / "resources" == locations.RESOURCES
    assert root / "packaging" / "linux" == locations.DESKTOP_FILES
    assert (locations.ICONS / "latentia.svg").is_file()
    assert locations.app_icon_png(512).is_file()
