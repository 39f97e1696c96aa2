"""Benchmark: ingest ~300 JPEG photos of 1-2 megapixels at 64x64 and print images per second.

Run: .venv/bin/python tests/benchmarks/bench_ingest.py [--count 300] [--size 64] [--workers 0]
     [--repeats 5]
Target: >= 300 images/s on a 2-core machine. Almost all of the time is libjpeg's entropy decoding,
which draft mode cannot skip, so the script also prints the CPU cost per image and its share.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
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


def make_photos(folder: Path, count: int, seed: int = 0, quality: int = 90) -> None:
    """`count` JPEGs of 1.6-1.9 MP: gradients plus heavy grain, so they compress like detailed
    photos (587 KB at quality 90, the default; the decoder's work grows with the file size)."""
    rng = np.random.default_rng(seed)
    for index in range(count):
        width, height = (1600, 1000) if index % 2 else (1200, 1600)
        ys, xs = np.mgrid[0:height, 0:width]
        base = np.stack([xs * 255 / width, ys * 255 / height,
                         (xs + ys) * 127 / (width + height) + index % 128], axis=-1)
        noise = rng.normal(0, 18, size=(height // 4, width // 4, 3)).repeat(4, 0).repeat(4, 1)
        pixels = np.clip(base + noise, 0, 255).astype(np.uint8)  # (H, W, 3)
        Image.fromarray(pixels).save(folder / f"photo_{index:04d}.jpg", quality=quality)


def ingest_rates(folder: Path, config: IngestConfig, work: Path, repeats: int) -> list[float]:
    """Images per second of `repeats` first ingestions (each into a new cache) of `folder`."""
    rates = []
    for index in range(repeats):
        start = time.perf_counter()
        cache = ingest_folder(folder, config, work / f"cache_{index}")
        rates.append(len(cache) / (time.perf_counter() - start))
    return rates


def cpu_ms_per_image(folder: Path, config: IngestConfig, work: Path) -> tuple[float, float]:
    """(all, JPEG decoding alone) CPU milliseconds per image of one in-process decoder."""
    files = sorted(folder.iterdir())
    start = time.process_time()
    ingest_folder(folder, config.replace(max_workers=1), work / "serial_cache")
    total = time.process_time() - start
    start = time.process_time()
    for path in files:
        with Image.open(path) as image:
            image.draft("RGB", (config.image_size, config.image_size))
            image.load()
    libjpeg = time.process_time() - start
    return total * 1000 / len(files), libjpeg * 1000 / len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0, help="0 = the default thread count")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quality", type=int, default=90, help="JPEG quality of the photos")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    config = IngestConfig(image_size=args.size, max_workers=args.workers)
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        folder, work = Path(tmp) / "photos", Path(tmp)
        folder.mkdir()
        make_photos(folder, args.count, quality=args.quality)
        files = list(folder.iterdir())
        megapixels = sum(Image.open(p).size[0] * Image.open(p).size[1] for p in files) / 1e6
        kilobytes = sum(p.stat().st_size for p in files) / 1e3
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        rates = ingest_rates(folder, config, work, args.repeats)
        start = time.perf_counter()
        ingest_folder(folder, config, work / "cache_0")
        reuse_seconds = time.perf_counter() - start
        cpu_ms, libjpeg_ms = cpu_ms_per_image(folder, config, work)
    cores = os.cpu_count() or 1
    log.info("%d JPEGs of %.2f MP, %.0f KB on average -> %dx%d, workers=%d "
             "(cpu count %s, load average %.2f before)", args.count, megapixels / args.count,
             kilobytes / args.count, args.size, args.size, args.workers, cores, load)
    log.info("first ingest, %d runs: median %.0f images/s (best %.0f, worst %.0f)",
             len(rates), statistics.median(rates), max(rates), min(rates))
    log.info("unchanged folder, cache reused: %.3f s", reuse_seconds)
    log.info("one core: %.1f ms CPU per image, %.1f ms of it in libjpeg (draft mode); "
             "%d cores top out near %.0f images/s", cpu_ms, libjpeg_ms, cores,
             cores * 1000 / cpu_ms)


if __name__ == "__main__":
    main()
