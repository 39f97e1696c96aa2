"""Benchmark of the drag loop's decode latency (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_decode_latency.py [--calls 300] [--seconds 60]
                                                              [--sizes 64 128] [--threads N]
                                                              [--workdir DIR]

For the default model (width 32, latent 128) at each size, one image per request:
  (a) idle: `decode_latents` (one thread, inference mode) and `decode_points` (map inverse +
      decode), against a plain `Project.decode` on all torch threads;
  (b) while a training loop runs in another thread of the same process;
  (c) the studio's way: ONE worker thread alternates a training step and the pending decode
      request; requests arrive at random moments from another thread. Latency = waiting for
      the current step to end + decode (one decode answers every request waiting for it).
Reports p50 / p95 in ms and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from bench_map_build import random_image_project

from models.config import TrainConfig
from models.latent_map import decode_latents, decode_points, project_map
from models.project import Project
from models.runtime import configure_threads

log = logging.getLogger("bench_decode_latency")
IMAGES = 256  # enough to train on and to build a map from
REQUEST_INTERVAL = 0.25  # mean seconds between decode requests in (c) (exponential gaps)


def percentiles(label: str, seconds: list[float]) -> None:
    ms = np.asarray(seconds) * 1e3
    p50, p95 = np.percentile(ms, [50, 95])
    log.info("  %-52s n=%4d  p50 %7.2f ms  p95 %7.2f ms", label, len(ms), p50, p95)


def time_calls(call: Callable[[], object], count: int, pause: float = 0.0) -> list[float]:
    call()  # warm-up: first-call allocations and kernel choices
    times = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
        if pause:
            time.sleep(pause)
    return times


def idle(project: Project, z: np.ndarray, points: np.ndarray, calls: int) -> None:
    latent_map = project_map(project, k=8)
    percentiles("(a) decode_latents, 1 image", time_calls(lambda: decode_latents(project, z),
                                                          calls))
    picks = iter(np.resize(np.arange(len(points)), calls + 1))
    percentiles("(a) decode_points (inverse + decode), 1 point", time_calls(
        lambda: decode_points(project, latent_map, points[next(picks)][None]), calls))
    with torch.inference_mode():
        percentiles(f"(a) Project.decode on {torch.get_num_threads()} threads (baseline)",
                    time_calls(lambda: project.decode(z), calls))


def during_training_thread(project: Project, z: np.ndarray, calls: int) -> None:
    stop = threading.Event()
    trainer = project.trainer(_endless(project))

    def train() -> None:
        for _ in trainer.run():
            if stop.is_set():
                break  # no final checkpoint: the benchmark's training is thrown away

    worker = threading.Thread(target=train)
    worker.start()
    try:
        time.sleep(2.0)  # let training get going
        times = time_calls(lambda: decode_latents(project, z), calls, pause=0.01)
    finally:
        stop.set()
        worker.join()
    percentiles("(b) decode_latents while another thread trains", times)


def alternating_worker(project: Project, z: np.ndarray, seconds: float) -> None:
    """One thread: a training step, then one decode answering every request that came in
    meanwhile (the newest point supersedes the older ones, as during a drag)."""
    requests: queue.SimpleQueue[float] = queue.SimpleQueue()
    done = threading.Event()

    def ask() -> None:
        rng = np.random.default_rng(0)
        while not done.wait(rng.exponential(REQUEST_INTERVAL)):
            requests.put(time.perf_counter())

    decode_latents(project, z)  # warm-up, as the studio's model is warm
    sender = threading.Thread(target=ask)
    sender.start()
    latencies, decode_times, step_times = [], [], []
    deadline = time.perf_counter() + seconds
    steps = project.trainer(_endless(project)).run()
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            next(steps)  # one training step (or a validation pass when one is due)
            step_times.append(time.perf_counter() - started)
            pending = _drain(requests)
            if pending:
                started = time.perf_counter()
                decode_latents(project, z)
                finished = time.perf_counter()
                decode_times.append(finished - started)
                latencies += [finished - arrived for arrived in pending]
    finally:
        steps.close()  # no final checkpoint: the benchmark's training is thrown away
        done.set()
        sender.join()
    percentiles("(c) training step (the wait a request may meet)", step_times)
    percentiles("(c) decode time only, alternating worker", decode_times)
    percentiles("(c) request latency (wait + decode), alternating", latencies)


def _drain(requests: queue.SimpleQueue) -> list[float]:
    """Every request waiting now, oldest first."""
    pending = []
    while True:
        try:
            pending.append(requests.get_nowait())
        except queue.Empty:
            return pending


def _endless(project: Project) -> TrainConfig:
    """The project's training settings with a budget far beyond the benchmark's run."""
    return project.config.train.replace(epochs=100_000, minutes=None, checkpoint_minutes=600.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of run (c)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads for training (0 = physical cores, as the studio)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    threads = configure_threads()
    if args.threads:
        torch.set_num_threads(threads := args.threads)
    log.info("CPUs: %d, torch threads: %d, load average before: %s", os.cpu_count(), threads,
             " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        for size in args.sizes:
            train = TrainConfig(epochs=1, checkpoint_minutes=60.0)
            project = random_image_project(workdir, IMAGES, size, train)
            log.info("%dx%d, width %d, latent %d:", size, size, project.config.vae.width,
                     project.latent_dim)
            z = np.random.default_rng(1).standard_normal((1, project.latent_dim)).astype(
                np.float32)
            points = project_map(project, k=8).points
            idle(project, z, points, args.calls)
            during_training_thread(project, z, args.calls)
            alternating_worker(project, z, args.seconds)
            log.info("  load average now: %s", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
