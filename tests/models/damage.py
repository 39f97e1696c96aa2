"""Damaged files for the fuzz tests: random bytes, truncations, bit flips and JSON documents
with one value swapped for something of another type, as a bad disk, a cut-off download or a
hand edit would leave them.

`assert_fails_cleanly` runs a reader on one such file: it may succeed (the damage can be
harmless) or raise one of the project's own errors (`models.errors`) with a one-line message;
any other exception, a reader that runs for more than a few seconds, or a reader that changes
the project's files is a failure.

The default suite runs a fixed, small set of examples per reader (fast, reproducible). For a
long hunt: `HYPOTHESIS_PROFILE=thorough pytest tests/models -k fuzz`.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from models.errors import LatentiaError

READ_SECONDS = 10.0  # a reader that needs longer on a file of kilobytes is hanging
MAX_MESSAGE = 400  # characters: a clear message is a sentence, not a dump

settings.register_profile(
    "default", max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Any JSON value, small: wrong types in the right places find most reader bugs.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**62)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=6)


def random_bytes() -> st.SearchStrategy[bytes]:
    return st.binary(max_size=512)


def truncated(original: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(0, max(0, len(original) - 1)).map(lambda n: original[:n])


def bit_flipped(original: bytes) -> st.SearchStrategy[bytes]:
    def flip(positions: list[int]) -> bytes:
        data = bytearray(original)
        for bit in positions:
            data[bit // 8] ^= 1 << (bit % 8)
        return bytes(data)

    return st.lists(st.integers(0, len(original) * 8 - 1), min_size=1, max_size=8).map(flip)


def _places(node: Any, limit: int = 5000) -> list[tuple]:
    """(container, key) of the values inside a JSON document, breadth first. Of a long list
    only the first two and the last items count, so that a manifest's hundreds of similar
    entries do not crowd out the few fields beside them."""
    places, queue = [], [node]
    while queue and len(places) < limit:
        container = queue.pop(0)
        keys = container.keys() if isinstance(container, dict) else sorted(
            {0, 1, len(container) - 1} & set(range(len(container))))
        for key in keys:
            places.append((container, key))
            if isinstance(container[key], (dict, list)):
                queue.append(container[key])
    return places


@st.composite
def json_edited(draw, document: Any) -> bytes:
    """The document with one value replaced by another JSON value, or removed."""
    edited = copy.deepcopy(document)
    if not isinstance(edited, (dict, list)):
        return json.dumps(draw(json_values)).encode()
    places = _places(edited)
    if not places:
        return json.dumps(draw(json_values)).encode()
    container, key = draw(st.sampled_from(places))
    if isinstance(container, dict) and draw(st.booleans()):
        del container[key]
    else:
        container[key] = draw(json_values)
    return json.dumps(edited).encode()


def damaged(original: bytes, *, is_json: bool = False) -> st.SearchStrategy[bytes]:
    """Every kind of damage to `original` (JSON edits too when it is a JSON document)."""
    kinds = [random_bytes(), truncated(original), bit_flipped(original)]
    if is_json:
        kinds.append(json_edited(json.loads(original)))
    return st.one_of(kinds)


# -- running a reader on a damaged file ---------------------------------------------------------
class ReaderHung(Exception):
    """Raised inside a reader that ran past READ_SECONDS."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def on_alarm(_signum, _frame):
        raise ReaderHung(f"the reader was still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(root: Path) -> dict[str, str]:
    """{relative path: digest} of every file under `root` (or of `root` itself)."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root.parent)): hashlib.blake2b(p.read_bytes()).hexdigest()
            for p in files}


def assert_fails_cleanly(read: Callable[[], object], root: Path) -> None:
    """`read()` succeeds or raises a LatentiaError with a clear line, within READ_SECONDS, and
    leaves every file under `root` as it was."""
    before = snapshot(root)
    try:
        with time_limit(READ_SECONDS):
            read()
    except LatentiaError as exc:
        message = str(exc)
        assert message.strip(), f"{type(exc).__name__} without a message"
        assert "\n" not in message and len(message) <= MAX_MESSAGE, f"unclear: {message!r}"
    assert snapshot(root) == before, "reading the damaged file changed the project"


@contextlib.contextmanager
def replaced(file: Path, data: bytes) -> Iterator[Path]:
    """`file` holds `data` inside the block and its own bytes again afterwards."""
    original = file.read_bytes()
    file.write_bytes(data)
    try:
        yield file
    finally:
        file.write_bytes(original)
