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
import threading
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
    and each thread stops after the file it is decoding, before `close()` returns.
    """
    workers = worker_count(config)
    chunks = chunked(paths, workers)
    stop = threading.Event()
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:  # on the calling thread
            yield _decode_chunk(chunk, config, stop)
        return
    todo = iter(chunks)
    executor = ThreadPoolExecutor(workers, thread_name_prefix="ingest-decode")
    try:
        in_flight: deque[Future] = deque(
            executor.submit(_decode_chunk, chunk, config, stop)
            for chunk in itertools.islice(todo, workers * _CHUNKS_IN_FLIGHT_PER_WORKER))
        while in_flight:
            results = in_flight.popleft().result()
            for chunk in itertools.islice(todo, 1):
                in_flight.append(executor.submit(_decode_chunk, chunk, config, stop))
            yield results
    finally:
        stop.set()  # a big file can take a second: do not finish whole chunks of them
        executor.shutdown(wait=True, cancel_futures=True)


def _decode_chunk(paths: list[str], config: IngestConfig,
                  stop: threading.Event) -> list[decode.DecodedFile]:
    """The decoded files of `paths`, fewer once `stop` is set (nobody reads them then)."""
    decoded = []
    for path in paths:
        if stop.is_set():
            break
        decoded.append(decode.decode_file(path, config))
    return decoded
