"""Numbered requests and their latest answers, per kind of request: an answer to a request that
a newer one of its kind has replaced is dropped, and the kept answer's images can be picked."""

from __future__ import annotations

from typing import Generic, TypeVar

from studio.contract.canvas_records import GeneratedResult

Kind = TypeVar("Kind")


class LatestAnswers(Generic[Kind]):
    def __init__(self, *kinds: Kind) -> None:
        self._numbers = dict.fromkeys(kinds, 0)  # the latest request of each kind
        self._answers: dict[Kind, GeneratedResult] = {}

    def next(self, kind: Kind) -> int:
        """The number of a new request of `kind`; answers to the older ones are dropped."""
        self._numbers[kind] += 1
        return self._numbers[kind]

    def accept(self, kind: Kind, result: GeneratedResult) -> bool:
        """Keep `result` if it answers the latest request of `kind` (a kind of these answers)."""
        if kind not in self._numbers or result.generation != self._numbers[kind]:
            return False
        self._answers[kind] = result
        return True

    def picked(self, kind: Kind, row: int) -> GeneratedResult | None:
        """The kept answer of `kind` if it has an image `row`."""
        result = self._answers.get(kind)
        return result if result is not None and 0 <= row < len(result.latents) else None

    def clear(self) -> None:
        """Forget the answers (another project); request numbers keep counting."""
        self._answers.clear()
