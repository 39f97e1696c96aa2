"""The bundled demo (resources/demo/project) holds every field the current code writes.

The demo is a project trained once and committed, so a change of the project format (a new
field in project.json, the manifest, the checkpoint state or the history, a new checkpoint
file, another network) leaves it behind silently: the app would show it with empty charts or
fail to open it. This test compares it with a project the current code has just trained and,
when they differ, says how to rebuild it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from models.errors import LatentiaError
from models.project import Project

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "project"
REBUILD = ".venv/bin/python packaging/build_demo.py"
BUNDLED = "bundled demo"  # what the demo stores instead of the folder it was built from
DOCUMENTS = ("project.json", "cache/manifest.json", "checkpoint/state.json",
             "checkpoint/history.json")

pytestmark = pytest.mark.skipif(not DEMO.is_dir(), reason="no bundled demo in this checkout")


def stale(what: str) -> str:
    return (f"resources/demo is stale: {what}. Rebuild it with `{REBUILD}` (a few minutes on "
            "a laptop CPU), look at it with `latentia` > Try the demo, and commit "
            "resources/demo.")


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every key in a JSON document; list items share the path `name[]`."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            paths |= {f"{prefix}{key}"} | key_paths(item, f"{prefix}{key}.")
        return paths
    if isinstance(value, list):
        return set().union(*(key_paths(item, prefix.rstrip(".") + "[].") for item in value))
    return set()


def read(project: Path, name: str) -> Any:
    return json.loads((project / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_demo_documents_hold_every_field_written_today(trained_template, name):
    fresh, demo = read(trained_template, name), read(DEMO, name)
    missing = sorted(key_paths(fresh) - key_paths(demo))
    assert not missing, stale(f"{name} lacks {', '.join(missing[:8])}")
    for version in ("format_version", "version"):
        if isinstance(fresh, dict) and version in fresh:
            assert demo.get(version) == fresh[version], stale(
                f"{name} is {version} {demo.get(version)}, the code writes {fresh[version]}")


def test_the_demo_has_every_file_written_today(trained_template):
    def files(project: Path) -> set[str]:
        return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}

    missing = sorted(files(trained_template) - files(DEMO))
    assert not missing, stale(f"it has no {', '.join(missing)}")


def test_the_demo_history_has_latent_health_per_dimension():
    project = Project.open(DEMO)
    validations = [row for row in project.history if row.kind == "validation"]
    assert validations, stale("its history has no validation rows")
    health = validations[-1].health
    assert health is not None and health.kl_per_dim.shape == (project.latent_dim,), stale(
        "its history has no KL per latent dimension (the Train panel's latent health chart)")


def test_the_demo_opens_decodes_and_samples_with_todays_code():
    try:
        project = Project.open(DEMO)
        images = project.sample(2, seed=0)
        project.decode(np.zeros((1, project.latent_dim), np.float32))
    except LatentiaError as exc:
        pytest.fail(stale(f"today's code cannot use it ({exc})"))
    assert images.shape == (2, project.channels, project.image_size, project.image_size)


def test_the_demo_names_no_folder_of_the_machine_it_was_built_on():
    shown = {"project.json source_folder": read(DEMO, "project.json")["source_folder"],
             "manifest folder": read(DEMO, "cache/manifest.json")["folder"],
             "manifest report folder": read(DEMO, "cache/manifest.json")["report"]["folder"]}
    wrong = {where: value for where, value in shown.items() if value != BUNDLED}
    assert not wrong, stale(f"it names the build machine's folders: {wrong}")
