"""Which label each training image has: from the folder layout or from the user's own names.

    <project>/labels.json   {"format", "version", "source", "names": [...],
                             "images": {path relative to the source folder: label name}}

Labels come from the folder layout (each subfolder one label: the top-level folder, or the
whole folder path so nested folders are labels of their own) or from names the user gave to
images (a map cluster, a selection). Images without a label are allowed: the model's classifier
predicts theirs (semi-supervised training). The file is the truth for a project; the label
*vocabulary* the model is conditioned on is `LabelConfig.names`, in embedding order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from models.config import LABEL_SOURCES, MAX_LABELS
from models.errors import LatentiaError, ProjectError
from models.fileio import read_json, write_json_atomic
from models.records import frozen_array

log = logging.getLogger(__name__)

LABELS_FILE = "labels.json"
LABELS_FORMAT = "latentia-labels"
LABELS_VERSION = 1
UNLABELLED = -1  # row value of an image without a label
MAX_NAME_LENGTH = 100


@dataclass(frozen=True, eq=False)
class ImageLabels:
    """The label of every training image: `rows[i]` indexes `names`, UNLABELLED (-1) for none."""

    names: tuple[str, ...]
    rows: np.ndarray  # (N,) int64, read-only

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    @property
    def labelled(self) -> int:
        return int((self.rows >= 0).sum())

    def counts(self) -> np.ndarray:
        """(L,) int64 images per label."""
        return np.bincount(self.rows[self.rows >= 0], minlength=len(self.names))

    def name_of(self, row: int) -> str:
        index = int(self.rows[row])
        return self.names[index] if index >= 0 else ""


@dataclass(frozen=True)
class LabelAssignment:
    """What labels.json holds: the source, the vocabulary and each labelled image's name."""

    source: str  # one of LABEL_SOURCES other than "none"
    names: tuple[str, ...]
    images: Mapping[str, str]  # relative path -> label name (a name in `names`)

    def __post_init__(self) -> None:
        if self.source not in LABEL_SOURCES[1:]:
            raise LatentiaError(f"labels come from one of {LABEL_SOURCES[1:]}, "
                                f"not {self.source!r}")
        for name in self.names:
            check_label_name(name)
        unknown = set(self.images.values()) - set(self.names)
        if unknown:
            raise LatentiaError(f"images carry labels that are not in the list: "
                                f"{sorted(unknown)[:3]}")

    def rows_for(self, paths: Sequence[str]) -> ImageLabels:
        """Labels of the images at `paths` (the cache's rows, in order)."""
        index = {name: i for i, name in enumerate(self.names)}
        rows = [index.get(self.images.get(path, ""), UNLABELLED) for path in paths]
        return ImageLabels(self.names, frozen_array(np.asarray(rows, dtype=np.int64)))


def check_label_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise LatentiaError("a label needs a name")
    if name != name.strip() or len(name) > MAX_NAME_LENGTH or any(c in name for c in "\n\r\t"):
        raise LatentiaError(f"a label name has at most {MAX_NAME_LENGTH} characters on one line, "
                            f"without spaces around it; {name[:40]!r} does not qualify")
    return name


def label_of_path(path: str, source: str) -> str | None:
    """The folder label of an image at relative `path` ('/'-separated): its top-level folder
    ("folders") or its whole folder path ("paths"); None for an image directly in the folder."""
    parents = PurePosixPath(path).parts[:-1]
    if not parents:
        return None
    if source == "folders":
        return parents[0]
    if source == "paths":
        return "/".join(parents)
    raise LatentiaError(f"folder labels come from 'folders' or 'paths', not {source!r}")


def assignment_from_folders(paths: Iterable[str], source: str) -> LabelAssignment | None:
    """Labels from the folder layout; None when it gives fewer than two labels (a flat folder,
    or a single subfolder), which trains unconditionally."""
    images = {path: label for path in paths
              if (label := label_of_path(path, source)) is not None}
    names = tuple(sorted(set(images.values())))
    if len(names) < 2:
        return None
    if len(names) > MAX_LABELS:
        raise LatentiaError(f"the folder has {len(names)} label folders; at most {MAX_LABELS} "
                            "are supported (try labels from the top-level folders)")
    return LabelAssignment(source, names, images)


def assignment_from_rows(paths: Sequence[str], rows: Sequence[int],
                         names: Sequence[str]) -> LabelAssignment:
    """A user's labels: image `paths[i]` gets `names[rows[i]]`, or none when rows[i] < 0."""
    if len(paths) != len(rows):
        raise LatentiaError("each image needs one label row")
    images = {path: names[row] for path, row in zip(paths, rows, strict=True) if row >= 0}
    return LabelAssignment("manual", tuple(names), images)


def write_assignment(project_path: Path, assignment: LabelAssignment) -> None:
    write_json_atomic(Path(project_path) / LABELS_FILE, {
        "format": LABELS_FORMAT, "version": LABELS_VERSION, "source": assignment.source,
        "names": list(assignment.names), "images": dict(sorted(assignment.images.items()))})


def read_assignment(project_path: Path) -> LabelAssignment | None:
    """The project's labels, None when it has none; a damaged file is a ProjectError."""
    path = Path(project_path) / LABELS_FILE
    if not path.is_file():
        return None
    document = read_json(path, "image labels")
    if not isinstance(document, dict) or document.get("format") != LABELS_FORMAT:
        raise ProjectError(f"{path} does not hold Latentia image labels")
    if document.get("version") != LABELS_VERSION:
        raise ProjectError(f"the image labels in {path} have an unknown format version")
    try:
        images = document["images"]
        if not isinstance(images, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in images.items()):
            raise TypeError("images must map paths to names")
        return LabelAssignment(document["source"], tuple(document["names"]), images)
    except (KeyError, TypeError, LatentiaError) as exc:
        raise ProjectError(f"the image labels in {path} are damaged ({exc})") from exc


# -- codes: style z followed by label weights ----------------------------------------------------
def one_hot(indices: Sequence[int] | np.ndarray, count: int) -> np.ndarray:
    """Label indices (N,) -> weights (N, L) float32; an index < 0 gives uniform weights."""
    rows = np.asarray(indices, dtype=np.int64).reshape(-1)
    weights = np.zeros((rows.size, count), np.float32)
    known = rows >= 0
    weights[np.flatnonzero(known), rows[known]] = 1.0
    weights[~known] = 1.0 / count
    return weights


LABEL_WEIGHT_RANGE = (-1.0, 2.0)  # how far past a label an affine mix may go (label contrast)
# a redraw's weights t + c * (t - own) lie in [-c, 1 + c]: the contrasts the range keeps whole
MAX_CONTRAST = min(-LABEL_WEIGHT_RANGE[0], LABEL_WEIGHT_RANGE[1] - 1.0)
LABEL_CONTRAST = 0.0  # how far past its new label a redraw is decoded (0: exactly at it)


def convex_weights(weights: np.ndarray) -> np.ndarray:
    """Label weights (N, L) made a convex mix: negatives dropped, rows summing to one; an
    all-zero row becomes uniform."""
    clipped = np.clip(np.asarray(weights, dtype=np.float32), 0.0, None)
    totals = clipped.sum(axis=1, keepdims=True)
    uniform = np.full_like(clipped, 1.0 / max(1, clipped.shape[1]))
    return np.where(totals > 1e-6, clipped / np.maximum(totals, 1e-6), uniform)


def normalised_weights(weights: np.ndarray) -> np.ndarray:
    """Label weights (N, L) as the decoder takes them: rows summing to one.

    A row that already sums to one with every weight in `LABEL_WEIGHT_RANGE` is kept: an
    affine mix that goes past its label, as label contrast makes it (`models.transfer`).
    Any other row is made a convex mix (`convex_weights`): codes reach the decoder after
    interpolation, map inversion or attribute edits, which can leave the label part off."""
    rows = np.asarray(weights, dtype=np.float32)
    low, high = LABEL_WEIGHT_RANGE
    affine = ((np.abs(rows.sum(axis=1) - 1.0) < 1e-4) & (rows >= low).all(axis=1)
              & (rows <= high).all(axis=1))
    return np.where(affine[:, None], rows, convex_weights(rows))


def split_codes(codes: np.ndarray, labels: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes (N, D + L) -> style z (N, D) and normalised label weights (N, L)."""
    if labels == 0:
        return codes, np.zeros((codes.shape[0], 0), np.float32)
    return codes[:, :-labels], normalised_weights(codes[:, -labels:])


def join_codes(z: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Style z (N, D) and label weights (N, L) -> codes (N, D + L) float32."""
    return np.concatenate([np.asarray(z, np.float32), np.asarray(weights, np.float32)], axis=1)


def with_named_images(assignment: LabelAssignment | None, paths: Sequence[str], name: str
                      ) -> LabelAssignment:
    """`assignment` (or none yet) with the images at `paths` labelled `name`: the user's own
    label from a map cluster or a selection. The result is the user's ("manual"); a new name
    joins the vocabulary at its end, and labels nobody carries any more leave it."""
    check_label_name(name)
    if not paths:
        raise LatentiaError("choose at least one image to label")
    images = dict(assignment.images) if assignment is not None else {}
    images.update(dict.fromkeys(paths, name))
    names = [*(assignment.names if assignment is not None else ()), name]
    used = set(images.values())
    kept = tuple(dict.fromkeys(n for n in names if n in used))
    return LabelAssignment("manual", kept, images)


def without_images(assignment: LabelAssignment, paths: Sequence[str]) -> LabelAssignment:
    """`assignment` with the images at `paths` left unlabelled."""
    images = {p: n for p, n in assignment.images.items() if p not in set(paths)}
    used = set(images.values())
    return LabelAssignment("manual", tuple(n for n in assignment.names if n in used), images)
