"""Fixtures shared by the backend and the app tests: one folder of generated shapes and one
tiny trained project per test session.

Training is the slow part of the suite, so it happens once: `trained_template` is a 32-pixel,
8-dimensional project of the 48 shapes trained for two epochs. Tests never touch the template
itself; `trained_project` is a private copy per test module (modules write caches, maps,
paths and gallery items into it), and a test that must start clean copies it again with
`copy_project`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.models.conftest import make_shape_folder, tiny_config

TEMPLATE_EPOCHS = 2


@pytest.fixture(scope="session")
def shape_folder(tmp_path_factory) -> Path:
    return make_shape_folder(tmp_path_factory.mktemp("shapes"), 48)


@pytest.fixture(scope="session")
def trained_template(tmp_path_factory, shape_folder) -> Path:
    """The session's trained project. Read only: copy it before writing anything."""
    import torch

    from models.project import Project

    path = tmp_path_factory.mktemp("template") / "shapes.latentia"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two shared cores; module fixtures run before per-test settings
    try:
        list(Project.create(path, shape_folder, tiny_config(epochs=TEMPLATE_EPOCHS))
             .trainer().run())
    finally:
        torch.set_num_threads(threads)
    return path


def copy_project(template: Path, target: Path) -> Path:
    """A private copy of a project folder at `target` (which must not exist)."""
    return Path(shutil.copytree(template, target))


@pytest.fixture(scope="module")
def trained_project(trained_template, tmp_path_factory) -> Path:
    """This test module's own copy of the trained template."""
    return copy_project(trained_template, tmp_path_factory.mktemp("trained") / "shapes.latentia")


class FrozenClock:
    """Stands in for a module's `time`: `monotonic()` moves only when a test moves `now`.

    Tests of pacing (throttles, holds) freeze the clock instead of measuring real time, so
    they assert what happens in which order, never how long it took (timings are benchmarks).
    """

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def monotonic(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return self.now
