"""Take the README's (and the AppStream metainfo's) screenshots of every panel from the demo.

    /work/shared/tools/screenshot.sh /tmp/x.png 1 -- .venv/bin/python packaging/screenshots.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots.py      (no X server)

Opens a fresh copy of the bundled demo in the real app (studio.app.launch), waits for its map,
draws a path through four cluster representatives (saved and loaded like a user's path), adds
a few samples and the path's animation to the gallery, and saves each panel as
docs/images/screenshot-{train,map,canvas,gallery}.png at 1280x800. Re-run it after UI changes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PANELS = ("train", "map", "canvas", "gallery")
WAIT_S = 120


def wait_until(app, condition, what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def write_demo_path(project_path: Path, data) -> str:
    """A path through four cluster representatives, in the documented latentia-path format."""
    import numpy as np

    from models.latent_map.saved_paths import MapPath, save_path
    from models.project import open_project

    reps = [int(i) for i in data.representatives[:4]]
    project = open_project(project_path)
    name = "tour"
    (project_path / "paths").mkdir(exist_ok=True)
    save_path(project_path / "paths" / f"{name}.json", MapPath(
        name=name, method=data.method, model_id=project.model_id,
        points=np.asarray(data.points[reps], dtype=np.float64), frames=48, smoothing=0.0,
        waypoints_snapped=tuple(reps)))
    return name


def add_gallery_items(state, project_path: Path) -> None:
    import numpy as np

    from models.pixels import to_uint8_images
    from models.project import open_project
    from studio.contract.gallery_records import GalleryAddRequest, GallerySource, ItemSettings

    project = open_project(project_path)
    for seed in range(6):
        latent = project.sample_latents(1, temperature=0.8, seed=seed).astype(np.float32)
        images = to_uint8_images(project.decode(latent))
        source = GallerySource(kind="sample", temperature=0.8, seed=seed)
        state.gallery.sig_request_add.emit(GalleryAddRequest(f"Sample {seed + 1}", latent,
                                                             images, source, ItemSettings()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    from studio.app import launch
    from studio.demo import prepare_demo_copy

    with tempfile.TemporaryDirectory() as workspace:
        copy = prepare_demo_copy(Path(workspace))
        session = launch(str(copy))
        app, window, state = session.app, session.window, session.state
        window.resize(1280, 800)
        ready = []
        state.map.sig_map_ready.connect(ready.append)
        window.show_panel(PANELS.index("map"))
        wait_until(app, lambda: ready, "the map")
        state.map.sig_request_load_path.emit(write_demo_path(copy, ready[-1]))
        add_gallery_items(state, copy)
        settle(app, 8)
        args.out.mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(PANELS):
            window.show_panel(index)
            settle(app, 4)
            out = args.out / f"screenshot-{name}.png"
            if not window.grab().save(str(out)):
                raise SystemExit(f"screenshots: could not write {out}")
            print(f"wrote {out}")
        window.close()
        session.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
