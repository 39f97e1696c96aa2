"""The worker's side of Gallery undo: the `GalleryEdit`s of each undoable step, by token.

A step holds the edits of one user action in the order they were applied (deleting three items
is three edits). Reverting a step reverts its edits newest first; `Gallery.revert` returns the
edits that revert the revert, which become the step's edits for the next undo or redo.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.errors import LatentiaError

if TYPE_CHECKING:  # models.gallery imports torch: only the worker thread loads it, on first use
    from models.gallery import Gallery, GalleryEdit

HISTORY_LIMIT = 200  # steps kept; the panel's undo stack keeps fewer (see UNDO_LIMIT)


@dataclass
class _Step:
    edits: list[GalleryEdit]  # in the order they were applied
    applied: bool = True


class EditHistory:
    def __init__(self) -> None:
        self._steps: OrderedDict[int, _Step] = OrderedDict()
        self._tokens = itertools.count(1)

    def __len__(self) -> int:
        return len(self._steps)

    def record(self, edits: list[GalleryEdit]) -> int:
        """File the edits of a new step; returns its token."""
        token = next(self._tokens)
        self._steps[token] = _Step(list(edits))
        while len(self._steps) > HISTORY_LIMIT:
            self._steps.popitem(last=False)
        return token

    def revert(self, gallery: Gallery, token: int, undo: bool) -> list[GalleryEdit]:
        """Undo (or redo) the step `token` on `gallery`; returns the edits it made."""
        step = self._steps.get(token)
        if step is None:
            raise LatentiaError("this gallery change can no longer be undone or redone")
        if step.applied != undo:
            state = "undone" if undo else "redone"
            raise LatentiaError(f"this gallery change was already {state}")
        reverted = [gallery.revert(edit) for edit in reversed(step.edits)]
        step.edits, step.applied = reverted, not undo
        return reverted

    def clear(self) -> None:
        self._steps.clear()
