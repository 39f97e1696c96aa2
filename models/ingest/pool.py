"""Decode many files in parallel, in order, a chunk at a time, so callers can report and stop.

Worker processes decode, each with its own interpreter, so the Python parts of decoding (plugin
parsing, colour conversion glue) never wait for one another. Results come back in input order,
with at most a few chunks in flight, so memory stays flat however big the folder is. When no
process pool can start (some sandboxes lack the semaphores it needs) or the pool breaks, the
remaining work goes to threads.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from models.config import IngestConfig
from models.ingest import decode

log = logging.getLogger(__name__)

MAX_CHUNK = 16  # files per task: big enough to amortise messaging, small enough for live progress
_CHUNKS_IN_FLIGHT_PER_WORKER = 2
_POOL_START_ERRORS = (OSError, NotImplementedError, ImportError, BrokenProcessPool)


def worker_count(config: IngestConfig) -> int:
    return config.max_workers if config.max_workers > 0 else (os.cpu_count() or 1)


def chunked(paths: Sequence[str], workers: int) -> list[list[str]]:
    """Split `paths` into chunks: about four per worker for small folders, MAX_CHUNK for big."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(paths) / (4 * workers))))
    return [list(paths[i:i + size]) for i in range(0, len(paths), size)]


def decode_in_order(
    paths: Sequence[str], config: IngestConfig
) -> Iterator[list[decode.DecodedFile]]:
    """Yield the decoded files of `paths`, one list per chunk, in input order.

    Close the generator (e.g. `contextlib.closing`) to stop early: pending chunks are cancelled
    and the workers are shut down before `close()` returns.
    """
    workers = worker_count(config)
    chunks = chunked(paths, workers)
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:  # in this process: no start-up cost, and tests can patch `decode`
            yield decode.decode_chunk(chunk, config)
        return
    executor = _start_pool(workers)
    todo = deque(chunks)
    in_flight: deque[tuple[list[str], Future]] = deque()
    try:
        while todo or in_flight:
            while todo and len(in_flight) < workers * _CHUNKS_IN_FLIGHT_PER_WORKER:
                chunk = todo.popleft()
                in_flight.append((chunk, executor.submit(decode.decode_chunk, chunk, config)))
            chunk, future = in_flight[0]
            try:
                results = future.result()
            except BrokenProcessPool:
                log.warning("the decoding processes stopped unexpectedly; going on with threads")
                todo.extendleft(reversed([c for c, _ in in_flight]))
                in_flight.clear()
                executor.shutdown(wait=True, cancel_futures=True)
                executor = ThreadPoolExecutor(workers, thread_name_prefix="ingest-decode")
                continue
            in_flight.popleft()
            yield results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _start_pool(workers: int) -> Executor:
    """A process pool whose workers are proven to start; a thread pool when they cannot."""
    context = multiprocessing.get_context(_start_method())
    if context.get_start_method() == "forkserver":
        # Workers fork from a server that has already imported the decoder: about 0.1 s per pool
        # instead of about 1 s of numpy + Pillow imports in every worker. Only takes effect
        # before the server first starts; "__main__" is Python's own default preload.
        context.set_forkserver_preload(["__main__", decode.__name__])
    try:
        pool = ProcessPoolExecutor(workers, mp_context=context)
        pool.submit(int).result()  # starts the workers now, so start-up failures surface here
        return pool
    except _POOL_START_ERRORS as error:
        log.warning("cannot start decoding processes (%s); decoding with threads", error)
        return ThreadPoolExecutor(workers, thread_name_prefix="ingest-decode")


def _start_method() -> str:
    # "forkserver" forks workers from a clean single-threaded server, which is safe from a GUI
    # process full of threads (plain fork is not); platforms without it (Windows) use spawn.
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"
