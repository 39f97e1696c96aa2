"""Write decoded images straight into a `.npy` memory map, one row at a time.

A 20,000-image folder never sits in Python lists: each decoded row goes to disk as it arrives.
The file is created for the most rows that could come (every candidate file); when some files
turn out bad or duplicated, the header is rewritten for the rows actually written and the file
truncated, so the result is an ordinary `.npy` that `np.load(mmap_mode="r")` opens.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


class ImageRowsWriter:
    """Appends (S, S, C) uint8 rows to a new `.npy` file at `path` (normally a temporary name)."""

    def __init__(self, path: Path, capacity: int, row_shape: tuple[int, int, int]) -> None:
        self.path = path
        self.row_shape = row_shape
        self.rows = 0
        self._memmap = np.lib.format.open_memmap(
            path, mode="w+", dtype=np.uint8, shape=(capacity, *row_shape))  # (N_max, S, S, C)
        self._reserve_disk_space()

    def _reserve_disk_space(self) -> None:
        # open_memmap makes a sparse file; writing into it on a full disk would kill the process
        # with SIGBUS. Allocating now turns that into an ordinary "no space left" OSError.
        if hasattr(os, "posix_fallocate") and self._memmap.size:
            with open(self.path, "rb+") as handle:
                os.posix_fallocate(handle.fileno(), 0, self._memmap.offset + self._memmap.size)

    def append(self, pixels: np.ndarray) -> int:
        """Store `pixels` (S, S, C) uint8 as the next row; returns its row index."""
        if self._memmap is None:
            raise RuntimeError("the image file was already finished")
        if pixels.shape != self.row_shape:
            raise ValueError(f"row of shape {pixels.shape}, expected {self.row_shape}")
        self._memmap[self.rows] = pixels
        self.rows += 1
        return self.rows - 1

    def close(self) -> None:
        """Flush and unmap; safe to call twice. The file still has `capacity` rows after this."""
        if self._memmap is not None:
            self._memmap.flush()
            self._memmap = None  # dropping the last reference unmaps the file

    def finish(self) -> None:
        """Close, then make the file hold exactly the rows appended."""
        self.close()
        _shrink_npy(self.path, self.rows, self.row_shape)


def _shrink_npy(path: Path, rows: int, row_shape: tuple[int, int, int]) -> None:
    with open(path, "rb+") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, _ = read_header(handle)
        data_offset = handle.tell()
        if shape[0] == rows:
            return
        header = _npy_header((rows, *row_shape), version)
        # numpy pads headers so the first axis can grow to 21 digits in place; check anyway.
        if len(header) == data_offset:
            handle.seek(0)
            handle.write(header)
            handle.truncate(data_offset + rows * int(np.prod(row_shape)))
            return
    log.debug("npy header length changed; copying %d rows into a new file", rows)
    _copy_rows(path, rows)


def _npy_header(shape: tuple[int, ...], version: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    fields = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.uint8)), "fortran_order": False,
              "shape": shape}
    if version == (1, 0):
        np.lib.format.write_array_header_1_0(buffer, fields)
    else:
        np.lib.format.write_array_header_2_0(buffer, fields)
    return buffer.getvalue()


def _copy_rows(path: Path, rows: int) -> None:
    source = np.load(path, mmap_mode="r")
    copy_path = path.with_name(path.name + ".shrink")
    try:
        target = np.lib.format.open_memmap(copy_path, mode="w+", dtype=np.uint8,
                                           shape=(rows, *source.shape[1:]))
        target[:] = source[:rows]
        target.flush()
        del target, source
        os.replace(copy_path, path)
    finally:
        copy_path.unlink(missing_ok=True)
