"""Decode many files on a few threads, in order, a chunk at a time, so callers can report and stop.

Threads, not processes: the heavy loops of decoding (libjpeg/zlib/libwebp in Pillow's decoders,
Pillow's resize, hashing) release the GIL, so threads decode in parallel. Measured on 2 cores
(docs/benchmarks.md), threads ingest photos faster than a process pool: nothing to start or
import (a pool costs about 0.35 s first), no pixels to pickle back. Results come back in input
order with at most a few chunks in flight, so memory stays flat however big the folder is.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from models.config import IngestConfig
from models.ingest import decode

MAX_CHUNK = 8  # files per task: small for live progress and an even finish, big enough to batch
_CHUNKS_IN_FLIGHT_PER_WORKER = 2


def worker_count(config: IngestConfig) -> int:
    """Decoding threads: `max_workers`, or one per core plus one (it works while another reads
    a file or holds the GIL between native calls)."""
    return config.max_workers if config.max_workers > 0 else (os.cpu_count() or 1) + 1


def chunked(paths: Sequence[str], workers: int) -> list[list[str]]:
    """Split `paths` into chunks: about four per worker for small folders, MAX_CHUNK for big."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(paths) / (4 * workers))))
    return [list(paths[i:i + size]) for i in range(0, len(paths), size)]


def decode_in_order(
    paths: Sequence[str], config: IngestConfig
) -> Iterator[list[decode.DecodedFile]]:
    """Yield the decoded files of `paths`, one list per chunk, in input order.

    Close the generator (e.g. `contextlib.closing`) to stop early: pending chunks are cancelled
    and the chunks being decoded finish before `close()` returns.
    """
    workers = worker_count(config)
    chunks = chunked(paths, workers)
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:  # on the calling thread: tests can patch `decode`
            yield decode.decode_chunk(chunk, config)
        return
    todo = iter(chunks)
    executor = ThreadPoolExecutor(workers, thread_name_prefix="ingest-decode")
    try:
        in_flight: deque[Future] = deque(
            executor.submit(decode.decode_chunk, chunk, config)
            for chunk in itertools.islice(todo, workers * _CHUNKS_IN_FLIGHT_PER_WORKER))
        while in_flight:
            results = in_flight.popleft().result()
            for chunk in itertools.islice(todo, 1):
                in_flight.append(executor.submit(decode.decode_chunk, chunk, config))
            yield results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
