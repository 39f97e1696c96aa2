"""New gallery orders for "move left/right" and drag and drop, as whole lists of item ids.

The panel sends the order it wants; the worker makes the moves (each undoable as one step).
"""

from __future__ import annotations

from collections.abc import Sequence


def moved_by(order: Sequence[str], selected: Sequence[str], step: int) -> tuple[str, ...]:
    """`order` with each selected id moved `step` places (-1 left, +1 right).

    Selected items keep their order among themselves; a block already at the edge stays put, and
    an item blocked by a selected neighbour moves with it rather than past it.
    """
    ids = list(order)
    chosen = set(selected)
    positions = range(len(ids)) if step < 0 else range(len(ids) - 1, -1, -1)
    for position in positions:
        target = position + step
        if ids[position] in chosen and 0 <= target < len(ids) and ids[target] not in chosen:
            ids[position], ids[target] = ids[target], ids[position]
    return tuple(ids)


def dropped_at(order: Sequence[str], dragged: Sequence[str], row: int) -> tuple[str, ...]:
    """`order` with the dragged ids (kept in gallery order) put before the item at `row`
    (`row` >= len(order): at the end)."""
    moving = [item for item in order if item in set(dragged)]
    before = sum(1 for item in order[:max(0, row)] if item in set(dragged))
    rest = [item for item in order if item not in set(dragged)]
    at = max(0, min(row - before, len(rest)))
    return tuple(rest[:at] + moving + rest[at:])
