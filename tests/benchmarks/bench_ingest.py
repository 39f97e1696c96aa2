"""Benchmark: ingest ~300 JPEG photos of 1-2 megapixels at 64x64 and print images per second.

Run: .venv/bin/python tests/benchmarks/bench_ingest.py [--count 300] [--size 64] [--workers 0]
Target: >= 300 images/s on a 2-core machine (JPEG draft mode does most of the work).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.config import IngestConfig
from models.ingest import ingest_folder

log = logging.getLogger("bench_ingest")


def make_photos(folder: Path, count: int, seed: int = 0) -> None:
    """`count` JPEGs (quality 90) of 1.6-1.9 MP: gradients plus grain, compressing like photos."""
    rng = np.random.default_rng(seed)
    for index in range(count):
        width, height = (1600, 1000) if index % 2 else (1200, 1600)
        ys, xs = np.mgrid[0:height, 0:width]
        base = np.stack([xs * 255 / width, ys * 255 / height,
                         (xs + ys) * 127 / (width + height) + index % 128], axis=-1)
        noise = rng.normal(0, 18, size=(height // 4, width // 4, 3)).repeat(4, 0).repeat(4, 1)
        pixels = np.clip(base + noise, 0, 255).astype(np.uint8)  # (H, W, 3)
        Image.fromarray(pixels).save(folder / f"photo_{index:04d}.jpg", quality=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per CPU core")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = IngestConfig(image_size=args.size, max_workers=args.workers)
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        folder, cache_dir = Path(tmp) / "photos", Path(tmp) / "cache"
        folder.mkdir()
        make_photos(folder, args.count)
        files = list(folder.iterdir())
        megapixels = sum(Image.open(p).size[0] * Image.open(p).size[1] for p in files) / 1e6
        kilobytes = sum(p.stat().st_size for p in files) / 1e3
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        start = time.perf_counter()
        cache = ingest_folder(folder, config, cache_dir)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        ingest_folder(folder, config, cache_dir)
        reuse_seconds = time.perf_counter() - start
        # CPU time per image of one in-process decoder: what a core costs, whatever the load.
        cpu_start = time.process_time()
        ingest_folder(folder, config.replace(max_workers=1), Path(tmp) / "serial_cache")
        cpu_ms = (time.process_time() - cpu_start) * 1000 / args.count
    log.info("%d JPEGs of %.2f MP, %.0f KB on average -> %dx%d, workers=%d "
             "(cpu count %s, load average %.2f before)", len(cache), megapixels / args.count,
             kilobytes / args.count, args.size, args.size, args.workers, os.cpu_count(), load)
    log.info("first ingest: %.2f s = %.0f images/s", seconds, len(cache) / seconds)
    log.info("unchanged folder, cache reused: %.3f s", reuse_seconds)
    log.info("one core: %.1f ms CPU per image, so %d cores top out near %.0f images/s",
             cpu_ms, os.cpu_count() or 1, (os.cpu_count() or 1) * 1000 / cpu_ms)


if __name__ == "__main__":
    main()
