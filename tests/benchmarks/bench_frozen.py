"""The PyInstaller build (packaging/build_frozen.py) against the venv's `latentia`: size,
`--version` time, time until the window is on an X screen, and one minute of headless training
on each.

    Xvfb :95 & DISPLAY=:95 .venv/bin/python tests/benchmarks/bench_frozen.py \
        --frozen dist/latentia [--runs 3] [--train-minutes 1]

Needs an X server (Xvfb is enough) and xdotool: the window counts as up when
`xdotool search --onlyvisible --name Latentia` finds it. Both builds run interleaved, run by run,
so a busy machine slows both alike. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def folder_megabytes(folder: Path) -> tuple[float, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1024**2, len(files)


def seconds_to_version(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*command, "--version"], check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def seconds_to_window(command: list[str], home: Path, timeout_s: float = 180) -> float:
    """Start the app with a fresh settings home; time until its window is visible on X."""
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               QT_QPA_PLATFORM="xcb")
    start = time.perf_counter()
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while time.perf_counter() - start < timeout_s:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Latentia"],
                                   capture_output=True, text=True)
            if found.stdout.strip():
                return time.perf_counter() - start
            if app.poll() is not None:
                raise RuntimeError(f"the app exited: {app.stderr.read().decode()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("no window within the timeout")
    finally:
        app.terminate()
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()


def window_with_retries(command: list[str], home: Path, tries: int = 3) -> float:
    """Under heavy load Xvfb now and then refuses a new client ("could not connect to
    display"); such a start is retried, not counted."""
    for attempt in range(tries):
        try:
            return seconds_to_window(command, home / str(attempt))
        except RuntimeError as exc:
            if "could not connect to display" not in str(exc) or attempt == tries - 1:
                raise
            print(f"retrying a start that could not reach the X server: {command[0]}",
                  file=sys.stderr)
    raise AssertionError("unreachable")


def image_folder(folder: Path, count: int = 200) -> Path:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for i in range(count):
        pixels = np.full((64, 64, 3), rng.integers(0, 255, 3), dtype=np.uint8)
        x, y = rng.integers(4, 40, 2)
        pixels[y:y + 20, x:x + 20] = rng.integers(0, 255, 3)
        Image.fromarray(pixels).save(folder / f"shape_{i:03d}.png")
    return folder


def headless_training(command: list[str], work: Path, minutes: float) -> dict:
    folder = image_folder(work / "images")
    project = work / "shapes.latentia"
    start = time.perf_counter()
    subprocess.run([*command, "train", str(folder), "--out", str(project), "--size", "32",
                    "--minutes", str(minutes), "--device", "cpu", "--quiet"], check=True,
                   timeout=minutes * 60 + 600, capture_output=True)
    wall = time.perf_counter() - start
    info = json.loads(subprocess.run([*command, "info", str(project), "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    return {"wall_s": round(wall, 1), "trained_steps": info["trained_steps"],
            "validation_bits_per_dim": info["validation_bits_per_dim"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, required=True, help="dist/latentia folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--train-minutes", type=float, default=1.0)
    args = parser.parse_args()
    if shutil.which("xdotool") is None or not os.environ.get("DISPLAY"):
        raise SystemExit("bench_frozen: needs DISPLAY (e.g. Xvfb) and xdotool")
    builds = {"frozen": [str(args.frozen / "latentia")],
              "venv": [str(Path(sys.executable).with_name("latentia"))]}
    size_mb, files = folder_megabytes(args.frozen)
    result: dict = {"frozen_size_mb": round(size_mb), "frozen_files": files}
    timings: dict = {name: {"version_s": [], "window_s": []} for name in builds}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for name, command in builds.items():
                timings[name]["version_s"].append(seconds_to_version(command))
                home = Path(tmp) / f"home-{name}-{run}"
                timings[name]["window_s"].append(window_with_retries(command, home))
        for name, values in timings.items():
            for key, samples in values.items():
                result[f"{name}_{key}_median"] = round(statistics.median(samples), 2)
        print(json.dumps(result, indent=2), flush=True)
        result = {f"{name}_training": headless_training(command, Path(tmp) / f"train-{name}",
                                                        args.train_minutes)
                  for name, command in builds.items()}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
