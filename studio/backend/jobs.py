"""Bookkeeping for the worker's long jobs: ids, cancel flags, throttled progress, error records.

Cancel flags are `threading.Event`s set straight from the UI thread (a direct connection), so a
job blocked inside a long backend call still sees the cancel at its next `should_stop()` check;
a queued cancel would wait behind the very job it is meant to stop.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from models.errors import Cancelled, LatentiaError
from studio.backend.pacing import Throttle
from studio.contract.project_records import ErrorRecord, JobKind

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second; more only floods the UI


EmitProgress = Callable[[str, float, str], None]  # AppState.sig_job_progress.emit


@dataclass
class Job:
    """One long job; `should_stop` is what the backend polls."""

    job_id: str
    label: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    throttle: Throttle = field(default_factory=lambda: Throttle(PROGRESS_INTERVAL_S))

    def should_stop(self) -> bool:
        return self.cancelled.is_set()

    def progress(self, emit: EmitProgress) -> Callable[[float, str], None]:
        """A backend `progress(fraction, text)` callback emitting at most every
        PROGRESS_INTERVAL_S (the end, fraction 1, always)."""

        def progress(fraction: float, text: str) -> None:
            if self.throttle.due(final=fraction >= 1.0):
                emit(self.job_id, float(fraction), text)

        return progress

    def counted_progress(self, emit: EmitProgress, unit: str) -> Callable[[int, int], None]:
        """A backend `progress(done, total)` callback: "12 of 340 <unit>", throttled."""
        report = self.progress(emit)

        def progress(done: int, total: int) -> None:
            report(done / total if total > 0 else -1.0, f"{done:,} of {total:,} {unit}")

        return progress


class JobRegistry:
    """Thread-safe table of running jobs; `cancel` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._counter = itertools.count(1)
        self._closing = threading.Event()

    def start(self, kind: JobKind, label: str) -> Job:
        job = Job(f"{kind.value}-{next(self._counter)}", label)
        if self._closing.is_set():
            job.cancelled.set()
        with self._lock:
            self._jobs[job.job_id] = job
        return job

    def finish(self, job: Job) -> None:
        with self._lock:
            self._jobs.pop(job.job_id, None)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            job.cancelled.set()
        else:
            log.debug("cancel of unknown or finished job %s ignored", job_id)

    def cancel_all(self) -> None:
        """Cancel every running job and every job started from now on (app shutdown)."""
        self._closing.set()
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancelled.set()

    @property
    def closing(self) -> bool:
        return self._closing.is_set()


def error_record(exc: BaseException, doing: str) -> ErrorRecord:
    """What to show for `exc` raised while `doing` (e.g. "opening the project").

    A LatentiaError's sentence is meant for people and is shown as is; anything else is a bug,
    shown as a calm sentence with the traceback tucked into the details.
    """
    title = f"Problem {doing}"
    if isinstance(exc, LatentiaError) and not isinstance(exc, Cancelled):
        message = str(exc) or f"Something went wrong while {doing}."
        return ErrorRecord(title, _sentence(message), _cause_details(exc))
    details = "".join(traceback.format_exception(exc))
    return ErrorRecord(title, f"Something went wrong while {doing}.", details)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _cause_details(exc: BaseException) -> str:
    cause = exc.__cause__
    if cause is None:
        return ""
    return f"Caused by {type(cause).__name__}: {cause}"
