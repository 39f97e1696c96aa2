"""Gallery items: a saved still or animation with everything needed to make it again.

An item's latents are the truth: its frames are only a cache of what the model decoded from
them when they were made (see `regenerate`). Each record checks itself when made, so a bad
value from a file or a caller fails with a clear `LatentiaError` before anything is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.errors import LatentiaError
from models.latent_map.maths.interpolation import EASINGS, INTERPOLATION_MODES
from models.records import frozen_array

ITEM_KINDS = ("still", "animation")
# How the latents were made; "" when nothing in particular (e.g. a single sample).
SOURCE_MODES = ("", *INTERPOLATION_MODES, "path")
MAX_NAME_LENGTH = 200
_ID_PATTERN = re.compile(r"[0-9a-f]{32}")  # uuid4().hex; also the item's file name


def new_item_id() -> str:
    return uuid.uuid4().hex


def check_item_id(item_id: Any) -> str:
    """An id is 32 lowercase hex digits: it names a file, so nothing else may pass."""
    if not isinstance(item_id, str) or not _ID_PATTERN.fullmatch(item_id):
        raise LatentiaError(f"{item_id!r} is not a gallery item id")
    return item_id


def clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise LatentiaError("a gallery item needs a name")
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise LatentiaError(f"a gallery item name has at most {MAX_NAME_LENGTH} characters")
    return name.strip()


@dataclass(frozen=True, eq=False)
class GallerySource:
    """What produced an item: the recipe, in terms a person (and `regenerate`) understands."""

    kind: str = "sample"  # "sample", "reconstruction", "interpolation", "path", "cluster", ...
    image_paths: tuple[str, ...] = ()  # images used, in order, relative to the source folder
    image_indices: tuple[int, ...] = ()  # cache rows of those images; -1: not a training image
    map_points: tuple[tuple[float, float], ...] = ()  # map positions of a drawn path
    map_method: str = ""  # projection of those points ("pca", "umap"); "" without points
    smoothing: float = 0.0  # spline smoothing of a drawn path (0 = straight segments)
    mode: str = ""  # one of SOURCE_MODES
    temperature: float | None = None  # of a sample
    seed: int | None = None
    cluster: int | None = None  # cluster the codes were drawn from
    attribute: str = ""  # name of an attribute direction that was applied
    direction: np.ndarray | None = field(default=None, repr=False)  # (D,) float32
    strength: float = 0.0  # how far along `direction`
    # Labels of a conditional model's recipe: a style transfer's target, a blend's two ends.
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise LatentiaError("a gallery source needs a kind (e.g. 'sample')")
        if self.mode not in SOURCE_MODES:
            raise LatentiaError(f"unknown source mode {self.mode!r}; choose one of "
                                f"{SOURCE_MODES[1:]}")
        try:
            indices = tuple(int(i) for i in self.image_indices)
            paths = tuple(str(p) for p in self.image_paths)
            points = tuple((float(x), float(y)) for x, y in self.map_points)
            if isinstance(self.labels, str):
                raise TypeError("labels must be a list of names")
            labels = tuple(str(label) for label in self.labels)
        except (TypeError, ValueError) as exc:
            raise LatentiaError(f"bad image or map point in a gallery source ({exc})") from exc
        if not all(map(math.isfinite, (c for p in points for c in p))):
            raise LatentiaError("map points must be finite numbers")
        object.__setattr__(self, "image_indices", indices)
        object.__setattr__(self, "image_paths", paths)
        object.__setattr__(self, "map_points", points)
        object.__setattr__(self, "labels", labels)
        if self.direction is not None:
            direction = np.asarray(self.direction, dtype=np.float32)
            if direction.ndim != 1 or not np.all(np.isfinite(direction)):
                raise LatentiaError("an attribute direction must be a finite (D,) vector")
            object.__setattr__(self, "direction", frozen_array(direction, np.float32))

    def replace(self, **changes: Any) -> GallerySource:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; the direction vector is stored with the latents, not here."""
        return {"kind": self.kind, "image_indices": list(self.image_indices),
                "image_paths": list(self.image_paths),
                "map_points": [list(p) for p in self.map_points],
                "map_method": self.map_method, "smoothing": self.smoothing, "mode": self.mode,
                "temperature": self.temperature, "seed": self.seed, "cluster": self.cluster,
                "attribute": self.attribute, "strength": self.strength,
                "labels": list(self.labels)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], direction: np.ndarray | None = None
                  ) -> GallerySource:
        names = {f.name for f in dataclasses.fields(cls)} - {"direction"}
        return cls(**{k: v for k, v in data.items() if k in names}, direction=direction)


@dataclass(frozen=True)
class ItemSettings:
    """How an item's frames were laid out and how it plays."""

    frames: int = 1  # rows of latents, one per frame
    fps: float = 24.0  # film rate: smooth morphs with few frames
    loop: int = 0  # plays when exported, as in `models.export`: 0 forever, 1 once, n times
    pingpong: bool = False  # play forwards then backwards when exported
    easing: str = "linear"  # speed curve between keyframes (one of `EASINGS`)
    cyclic: bool = False  # the route returns to its start, so repeating it has no jump

    def __post_init__(self) -> None:
        if isinstance(self.frames, bool) or not isinstance(self.frames, int) or self.frames < 1:
            raise LatentiaError(f"frames must be a positive whole number; got {self.frames!r}")
        if isinstance(self.fps, bool) or not isinstance(self.fps, int | float) or not (
                math.isfinite(self.fps) and self.fps > 0):
            raise LatentiaError(f"fps must be a positive number; got {self.fps!r}")
        if isinstance(self.loop, bool) or not isinstance(self.loop, int) or self.loop < 0:
            raise LatentiaError(f"loop must be a whole number >= 0; got {self.loop!r}")
        if self.easing not in EASINGS:
            raise LatentiaError(f"unknown easing {self.easing!r}; choose one of {EASINGS}")
        object.__setattr__(self, "pingpong", bool(self.pingpong))
        object.__setattr__(self, "cyclic", bool(self.cyclic))

    def replace(self, **changes: Any) -> ItemSettings:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemSettings:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, eq=False)
class GalleryItem:
    """One saved still (1 frame) or animation (n frames): latents (n, D) float32, read-only."""

    id: str
    name: str
    kind: str  # "still" | "animation"
    latents: np.ndarray = field(repr=False)
    source: GallerySource
    settings: ItemSettings
    model_id: str  # the model that decoded the cached frames
    created: str  # ISO 8601 UTC

    def __post_init__(self) -> None:
        check_item_id(self.id)
        object.__setattr__(self, "name", clean_name(self.name))
        if self.kind not in ITEM_KINDS:
            raise LatentiaError(f"a gallery item is a still or an animation, not {self.kind!r}")
        latents = np.asarray(self.latents, dtype=np.float32)
        if latents.ndim == 1:
            latents = latents[None, :]  # one code (D,) is a still of one frame
        if latents.ndim != 2 or latents.shape[0] < 1 or not np.all(np.isfinite(latents)):
            raise LatentiaError(f"item latents must be a finite (n, D) array; got shape "
                                f"{latents.shape}")
        if self.kind == "still" and latents.shape[0] != 1:
            raise LatentiaError(f"a still has one latent code, not {latents.shape[0]}")
        if latents.shape[0] != self.settings.frames:
            raise LatentiaError(f"the item has {latents.shape[0]} latent codes but its "
                                f"settings say {self.settings.frames} frames")
        object.__setattr__(self, "latents", frozen_array(latents, np.float32))

    @property
    def frame_count(self) -> int:
        return int(self.latents.shape[0])

    @property
    def latent_dim(self) -> int:
        return int(self.latents.shape[1])

    def replace(self, **changes: Any) -> GalleryItem:
        return dataclasses.replace(self, **changes)

    @classmethod
    def create(cls, name: str, latents: np.ndarray, source: GallerySource, model_id: str,
               settings: ItemSettings | None = None) -> GalleryItem:
        """A new item made now: a still for one code, else an animation of `len(latents)`."""
        rows = np.atleast_2d(np.asarray(latents, dtype=np.float32))
        settings = (settings or ItemSettings()).replace(frames=int(rows.shape[0]))
        return cls(id=new_item_id(), name=name, kind="still" if len(rows) == 1 else "animation",
                   latents=rows, source=source, settings=settings, model_id=model_id,
                   created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def metadata(self) -> dict[str, Any]:
        """Everything but the arrays, as stored in the gallery index."""
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "model_id": self.model_id, "created": self.created,
                "latent_shape": list(self.latents.shape),
                "source": self.source.to_dict(), "settings": self.settings.to_dict()}

    def describe(self) -> dict[str, Any]:
        """JSON-ready record for export provenance: the recipe without the arrays."""
        return {"item": self.name, "item_kind": self.kind, "source": self.source.to_dict(),
                "settings": self.settings.to_dict()}
