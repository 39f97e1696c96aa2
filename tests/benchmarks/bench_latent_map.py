"""Benchmark of the latent-map maths on clustered 128-D latents (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_latent_map.py [--n 10000] [--queries 500]

Times the build steps (projection, automatic-k clustering, inverse fit, density, nearest index),
then one-point inverse queries as in the drag loop (p50/p95), at N and at 2N. Reports the load
average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable

import numpy as np

from models.latent_map.maths import (
    MapDensity,
    MapInverse,
    NearestImages,
    build_latent_map,
    cluster_latents,
    fit_projection,
    interpolate,
    resample_path,
)

log = logging.getLogger("bench_latent_map")
DIM = 128
CLUSTERS = 10


def clustered_latents(n: int, seed: int = 0) -> np.ndarray:
    """(n, 128) float32: 10 Gaussian clusters of uneven size and spread, overall ~N(0, I)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=0.8, size=(CLUSTERS, DIM))
    weights = rng.dirichlet(np.full(CLUSTERS, 2.0))
    labels = rng.choice(CLUSTERS, size=n, p=weights)
    spreads = rng.uniform(0.4, 0.7, size=CLUSTERS)
    return (centres[labels] + rng.normal(size=(n, DIM)) * spreads[labels, None]).astype(
        np.float32)


def timed(label: str, work: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = work()
    log.info("  %-34s %8.3f s", label, time.perf_counter() - start)
    return result


def query_times_ms(call: Callable[[np.ndarray], object], queries: np.ndarray) -> np.ndarray:
    """Milliseconds per call, one (1, 2) point at a time (what a drag does)."""
    call(queries[:1])  # warm-up (first-call imports and allocations)
    times = np.empty(len(queries))
    for i, point in enumerate(queries):
        start = time.perf_counter()
        call(point[None, :])
        times[i] = time.perf_counter() - start
    return times * 1e3


def report_percentiles(label: str, times_ms: np.ndarray) -> None:
    p50, p95 = np.percentile(times_ms, [50, 95])
    log.info("  %-34s p50 %6.3f ms   p95 %6.3f ms   max %6.2f ms", label, p50, p95,
             times_ms.max())


def drag_queries(points: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    """Points near the data (jittered images) plus 20% anywhere in the padded bounding box."""
    rng = np.random.default_rng(seed)
    near = points[rng.integers(0, len(points), count - count // 5)]
    near = near + rng.normal(scale=0.02 * np.ptp(points), size=near.shape)
    low, high = points.min(axis=0), points.max(axis=0)
    anywhere = rng.uniform(low - 0.2 * (high - low), high + 0.2 * (high - low),
                           size=(count // 5, 2))
    return np.vstack([near, anywhere]).astype(np.float64)


def largest_drag_jump(inverse: MapInverse, points: np.ndarray, codes: np.ndarray) -> float:
    """Largest latent step along 5 straight drags of 5000 steps across the map, relative to the
    median latent distance between map neighbours (0 = perfectly smooth)."""
    order = np.argsort(points[:, 0])
    typical = np.median(np.linalg.norm(np.diff(codes[order], axis=0), axis=1))
    rng = np.random.default_rng(2)
    largest = 0.0
    for _ in range(5):
        start, end = points[rng.integers(0, len(points), 2)]
        path = inverse(np.linspace(start, end, 5000))
        largest = max(largest, float(np.linalg.norm(np.diff(path, axis=0), axis=1).max()))
    return largest / typical


def bench_build(codes: np.ndarray) -> None:
    log.info("build steps, N=%d, D=%d:", *codes.shape)
    projection = timed("PCA projection", lambda: fit_projection(codes))
    clusters = timed("k-means, automatic k (2..12)", lambda: cluster_latents(codes))
    timed(f"k-means, given k={clusters.k}", lambda: cluster_latents(codes, k=clusters.k))
    timed("inverse fit (RBF + landmarks)", lambda: MapInverse.fit(projection.points, codes))
    timed("density fit", lambda: MapDensity.fit(projection.points))
    timed("nearest-image index", lambda: NearestImages.fit(codes))
    latent_map = timed("build_latent_map (all of the above)", lambda: build_latent_map(codes))
    log.info("  automatic k = %d, cluster sizes %s", latent_map.clusters.k,
             latent_map.clusters.sizes.tolist())


def bench_queries(codes: np.ndarray, count: int) -> None:
    projection = fit_projection(codes)
    inverse = MapInverse.fit(projection.points, codes)
    density = MapDensity.fit(projection.points)
    nearest = NearestImages.fit(codes)
    queries = drag_queries(projection.points, count)
    log.info("one-point queries, N=%d (%d points, 20%% of them anywhere on the map):",
             len(codes), count)
    report_percentiles("inverse(point)", query_times_ms(inverse, queries))
    report_percentiles("density(point)", query_times_ms(density.density, queries))
    latents = inverse(queries[:count])
    report_percentiles("nearest.query(latent, k=5)",
                       query_times_ms(lambda z: nearest.query(z, 5), latents[:, None, :][:, 0]))
    path = timed("inverse of a 120-frame path", lambda: inverse(
        resample_path(queries[:12], 120, smoothing=0.01)))
    timed("interpolate 4 keys -> 96 frames", lambda: interpolate(path[::40], 96, loop=True))
    log.info("  largest drag jump / neighbour distance: %.3f", largest_drag_jump(
        inverse, projection.points, codes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of latents")
    parser.add_argument("--queries", type=int, default=500, help="one-point queries to time")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log.info("CPUs: %d   load average before: %s", os.cpu_count(),
             " ".join(f"{x:.2f}" for x in os.getloadavg()))
    codes = clustered_latents(args.n)
    bench_build(codes)
    bench_queries(codes, args.queries)
    bench_queries(clustered_latents(2 * args.n, seed=1), args.queries)
    log.info("load average after: %s", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
