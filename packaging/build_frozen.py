"""Build Latentia's one-folder desktop bundle with PyInstaller (packaging/latentia.spec).

    .venv/bin/pip install -e ".[freeze]"
    .venv/bin/python packaging/build_frozen.py [--dist DIR] [--work DIR] [--with-cuda]

Writes DIR/latentia/ (default dist/latentia/) with the `latentia` executable, then checks the
result: `latentia --version` and `latentia doctor` must run from it. Without --with-cuda the
bundle keeps only the CUDA libraries torch links to (it cannot import without them) and leaves
out the ones loaded only on a GPU; see docs/benchmarks.md for the sizes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path, with_cuda: bool) -> Path:
    env = dict(os.environ, LATENTIA_FREEZE_CUDA="1" if with_cuda else "0")
    # No --clean: PyInstaller reuses its analysis cache in `work` (delete it for a clean build).
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm",
                    "--distpath", str(dist), "--workpath", str(work),
                    str(ROOT / "packaging" / "latentia.spec")], check=True, env=env)
    return dist / "latentia" / ("latentia.exe" if os.name == "nt" else "latentia")


def smoke_test(executable: Path) -> None:
    start = time.perf_counter()
    version = subprocess.run([str(executable), "--version"], check=True, capture_output=True,
                             text=True, timeout=300).stdout.strip()
    print(f"{version}: --version answered in {time.perf_counter() - start:.1f} s")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    doctor = subprocess.run([str(executable), "doctor"], capture_output=True, text=True,
                            timeout=300, env=env)
    print(doctor.stdout)
    if doctor.returncode != 0:
        raise SystemExit(f"the frozen doctor failed:\n{doctor.stderr}")
    smoke_train(executable)


def smoke_train(executable: Path) -> None:
    """One epoch on 16 generated images: torch, torchvision's operators and the CLI all load."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "images"
        folder.mkdir()
        for i in range(16):
            Image.new("RGB", (40, 40), (i * 15, 255 - i * 15, 128)).save(folder / f"{i}.png")
        start = time.perf_counter()
        done = subprocess.run([str(executable), "train", str(folder), "--out",
                               str(Path(tmp) / "smoke.latentia"), "--size", "32", "--epochs", "1",
                               "--latent-dim", "4", "--width", "4", "--batch-size", "8",
                               "--device", "cpu", "--quiet"], capture_output=True, text=True,
                              timeout=600)
        if done.returncode != 0:
            raise SystemExit(f"the frozen app could not train:\n{done.stderr}")
        print(f"headless training of one epoch: {time.perf_counter() - start:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--with-cuda", action="store_true",
                        help="bundle every CUDA library (for GPU machines; about 4 GB more)")
    args = parser.parse_args()
    start = time.perf_counter()
    executable = build(args.dist, args.work, args.with_cuda)
    print(f"built {executable} in {time.perf_counter() - start:.0f} s; "
          f"{folder_size(executable.parent) / 1024**2:,.0f} MB")
    smoke_test(executable)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
