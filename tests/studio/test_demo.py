"""The bundled demo: its image generator, and the working copy the app opens."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from studio import demo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from demo_images import FAMILIES, draw_demo_image, generate_demo_images  # noqa: E402

needs_demo = pytest.mark.skipif(not demo.demo_available(),
                                reason="resources/demo/project not built (packaging/build_demo.py)")


def test_generator_is_deterministic_with_distinct_families(tmp_path):
    first = np.asarray(draw_demo_image("face", 3, 32))
    assert first.shape == (32, 32, 3)
    assert np.array_equal(first, np.asarray(draw_demo_image("face", 3, 32)))
    assert not np.array_equal(first, np.asarray(draw_demo_image("face", 4, 32)))
    means = {family: np.asarray(draw_demo_image(family, 0, 32), np.float32).mean((0, 1))
             for family in FAMILIES}
    colours = np.stack(list(means.values()))
    distances = np.linalg.norm(colours[:, None] - colours[None], axis=-1)
    assert distances[np.triu_indices(len(FAMILIES), 1)].min() > 10  # families differ at a glance
    written = generate_demo_images(tmp_path, per_family=2, size=16)
    assert len(written) == 2 * len(FAMILIES) and all(p.is_file() for p in written)


@needs_demo
def test_demo_copy_is_fresh_writable_and_leaves_the_source_alone(tmp_path):
    source_files = sorted(p.relative_to(demo.DEMO_SOURCE) for p in demo.DEMO_SOURCE.rglob("*"))
    first = demo.prepare_demo_copy(tmp_path)
    assert first.name == "Shapes demo.latentia" and (first / "project.json").is_file()
    assert demo.is_demo_path(first, tmp_path) and not demo.is_demo_path(demo.DEMO_SOURCE, tmp_path)
    second = demo.prepare_demo_copy(tmp_path, in_use=str(first))
    assert second.name == "Shapes demo 2.latentia" and first.exists()  # the open copy stays
    (first / "scribble.txt").write_text("changed by the user")
    third = demo.prepare_demo_copy(tmp_path, in_use=str(second))
    assert third == first and not (third / "scribble.txt").exists()  # old copy replaced
    assert second.exists()
    assert sorted(p.relative_to(demo.DEMO_SOURCE)
                  for p in demo.DEMO_SOURCE.rglob("*")) == source_files
