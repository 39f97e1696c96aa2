"""The wheel `python -m build` makes installs into a fresh venv and works from there: `latentia
--version`, a headless `latentia train` on a generated folder, and the resources and the demo
found inside the installed package (not in this checkout).

Marked slow (about a minute). The fresh venv borrows the dependencies (torch, Qt...) of the
venv running the tests through a .pth file, so it does not download or unpack 4 GB again;
set LATENTIA_WHEEL_FULL_INSTALL=1 to let pip install them from the index as a user's would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "models", "studio", "resources", "packaging/linux")

FULL_INSTALL = os.environ.get("LATENTIA_WHEEL_FULL_INSTALL") == "1"

# The default run takes about a minute (two on a busy machine); the full install unpacks torch.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400 if FULL_INSTALL else 900)]


def run(command: list, cwd: Path, timeout: int = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(tmp: Path) -> Path:
    """Build from a copy of the sources, so the checkout gets no build/ or egg-info."""
    src = tmp / "src"
    for name in SOURCES:
        target = src / name
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp / "wheels",
         src], cwd=tmp)
    (wheel,) = (tmp / "wheels").glob("latentia-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if FULL_INSTALL:
        run([python, "-m", "pip", "install", "-q", wheel], cwd=tmp, timeout=1800)
        return python
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
               cwd=tmp).strip()
    # After the fresh venv's own site-packages: the installed wheel wins over anything there.
    Path(site, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], cwd=tmp)
    return python


def image_folder(folder: Path, count: int = 24) -> Path:
    rng = np.random.default_rng(0)
    folder.mkdir()
    for i in range(count):
        pixels = np.full((40, 40, 3), rng.integers(0, 255, 3), dtype=np.uint8)
        x, y = rng.integers(4, 24, 2)
        pixels[y:y + 12, x:x + 12] = rng.integers(0, 255, 3)
        Image.fromarray(pixels).save(folder / f"square_{i:02d}.png")
    return folder


def test_wheel_installs_and_runs_from_a_fresh_venv(tmp_path):
    wheel = build_wheel(tmp_path)
    python = fresh_venv(tmp_path, wheel)
    latentia = python.parent / ("latentia.exe" if os.name == "nt" else "latentia")
    work = tmp_path / "work"
    work.mkdir()

    from models import __version__

    assert run([latentia, "--version"], cwd=work) == f"latentia {__version__}\n"
    found = run([python, "-c", "import studio, studio.locations as l, studio.demo as d; "
                 "print(studio.__file__); print(l.RESOURCES); print(l.DESKTOP_FILES); "
                 "print(d.DEMO_SOURCE); print(d.demo_available())"], cwd=work).splitlines()
    venv_dir = python.parent.parent
    for path in found[:4]:
        assert Path(path).is_relative_to(venv_dir), found
    assert found[4] == "True"
    assert "Shapes demo" in run([latentia, "info", found[3]], cwd=work)

    folder = image_folder(work / "images")
    run([latentia, "train", folder, "--out", work / "sq.latentia", "--size", "32",
         "--latent-dim", "4", "--width", "4", "--epochs", "1", "--batch-size", "8",
         "--device", "cpu", "--quiet"], cwd=work)
    assert "trained_steps" in run([latentia, "info", work / "sq.latentia", "--json"], cwd=work)
