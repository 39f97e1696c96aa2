"""Cluster colours: distinct hues that read on both light and dark plot backgrounds."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor

# Tableau 10, then a lighter/darker second round (Tableau 20 without the weakest tints).
CLUSTER_COLORS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)
PATH_COLOR = "#ff3d7f"  # the drawn path: not a cluster colour, visible on both themes
UNLABELLED_COLOR = QColor("#a0a0a0")  # images without a label: grey, not a label's hue
SELECTION_COLOR = "#111111"


def cluster_color(cluster: int) -> QColor:
    return QColor(CLUSTER_COLORS[cluster % len(CLUSTER_COLORS)])


def cluster_brushes(k: int, alpha: int = 220) -> list[QBrush]:
    """One brush per cluster, shared by all its points (pyqtgraph caches one sprite each)."""
    brushes = []
    for cluster in range(k):
        color = cluster_color(cluster)
        color.setAlpha(alpha)
        brushes.append(pg.mkBrush(color))
    return brushes


def group_color(group: int, groups: int, unlabelled_last: bool) -> QColor:
    """The colour of dot group `group` of `groups`; the last is grey when it holds the
    unlabelled images."""
    if unlabelled_last and group == groups - 1:
        return QColor(UNLABELLED_COLOR)
    return cluster_color(group)


def group_brushes(groups: int, unlabelled_last: bool, alpha: int = 220) -> list[QBrush]:
    """One brush per group (clusters, or labels then the unlabelled images)."""
    brushes = []
    for group in range(groups):
        color = group_color(group, groups, unlabelled_last)
        color.setAlpha(alpha)
        brushes.append(pg.mkBrush(color))
    return brushes
