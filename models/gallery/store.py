"""The gallery of a project on disk, changed one undoable step at a time.

    NAME.latentia/gallery/
        index.json           {"format": "latentia-gallery", "version": 1, "items": [...]}
                             the items' metadata, in gallery order
        <id>.safetensors     "latents" (n, D) float32, "frames" (n, S, S, C) uint8 and,
                             when an attribute was applied, "direction" (D,) float32

Every change is written at once, atomically: an item's data file before the index that lists
it, and removed only after the index stopped listing it, so a crash leaves at worst an unlisted
file, never an item without its data. Each change returns a `GalleryEdit`; `revert(edit)`
undoes it and returns the edit that redoes it, which is what a Qt QUndoCommand needs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open

from models.errors import LatentiaError, ProjectError
from models.fileio import read_json, write_json_atomic
from models.gallery.item import GalleryItem, GallerySource, ItemSettings, check_item_id
from models.weights import save_tensors

log = logging.getLogger(__name__)

GALLERY_FOLDER = "gallery"
INDEX_FILE = "index.json"
INDEX_FORMAT = "latentia-gallery"
INDEX_VERSION = 1
EDIT_ACTIONS = ("add", "remove", "rename", "move", "render")


@dataclass(frozen=True, eq=False)
class GalleryEdit:
    """One change and what undoes it (see `Gallery.revert`)."""

    action: str  # one of EDIT_ACTIONS
    items: tuple[GalleryItem, ...]  # the whole gallery after the change, in order
    item: GalleryItem  # as it is now; for "remove", as it was
    index: int  # where it is now; for "remove", where it was
    previous: GalleryItem | None = None  # before a rename or re-render
    previous_index: int | None = None  # before a move
    frames: np.ndarray | None = None  # frames a revert puts back: removed or replaced ones


class Gallery:
    """The ordered items of one project. Open with `Gallery.open(project_path)`."""

    def __init__(self, folder: Path, items: list[GalleryItem],
                 unreadable: tuple[dict, ...] = (), problems: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self._items = items
        # Index entries that could not be loaded (data file missing or damaged): kept in the
        # index as they are, so a later change does not silently forget them.
        self._unreadable = unreadable
        self.problems = problems  # one readable line per unreadable entry

    @classmethod
    def open(cls, project_path: str | Path) -> Gallery:
        """The gallery of the project at `project_path`; empty when it has none yet."""
        project = Path(project_path).expanduser()
        if not project.is_dir():
            raise ProjectError(f"{project} is not a project folder, so it has no gallery")
        folder = project / GALLERY_FOLDER
        if not (folder / INDEX_FILE).is_file():
            return cls(folder, [])
        items, unreadable, problems = [], [], []
        for entry in _read_index(folder):
            try:
                items.append(_load_item(folder, entry))
            except ProjectError as exc:
                log.warning("gallery item left out: %s", exc)
                unreadable.append(entry)
                problems.append(str(exc))
        return cls(folder, items, tuple(unreadable), tuple(problems))

    # -- reading -----------------------------------------------------------------------------
    @property
    def items(self) -> tuple[GalleryItem, ...]:
        return tuple(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def index_of(self, item_id: str) -> int:
        for index, item in enumerate(self._items):
            if item.id == item_id:
                return index
        raise LatentiaError(f"the gallery has no item with id {item_id!r}")

    def get(self, item_id: str) -> GalleryItem:
        return self._items[self.index_of(item_id)]

    def find(self, name: str) -> GalleryItem:
        """The item called `name` (exactly, else ignoring case), or with that id."""
        for same in (lambda item: item.name == name,
                     lambda item: item.name.casefold() == name.strip().casefold(),
                     lambda item: item.id == name):
            found = [item for item in self._items if same(item)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise LatentiaError(f"{len(found)} gallery items are named {name!r}; "
                                    f"give one of their ids: {', '.join(i.id for i in found)}")
        known = ", ".join(repr(item.name) for item in self._items[:10]) or "none"
        raise LatentiaError(f"the gallery has no item named {name!r} (items: {known})")

    def frames(self, item_id: str) -> np.ndarray:
        """The cached frames of an item, uint8 (n, S, S, C), read-only."""
        item = self.get(item_id)
        frames = _read_arrays(self.folder, item.id, ("frames",)).get("frames")
        if frames is None:
            raise ProjectError(f"the data of gallery item {item.name!r} has no frames")
        frames.flags.writeable = False  # a fresh array from the file, now read-only
        return frames

    # -- changing ----------------------------------------------------------------------------
    def add(self, item: GalleryItem, frames: np.ndarray) -> GalleryEdit:
        """Append an item with its rendered frames (n, S, S, C) uint8."""
        return self.insert(item, frames, len(self._items))

    def insert(self, item: GalleryItem, frames: np.ndarray, index: int) -> GalleryEdit:
        """Put an item at `index` (clamped to the gallery); the undo of `remove`."""
        if any(existing.id == item.id for existing in self._items):
            raise LatentiaError(f"the gallery already holds an item with id {item.id}")
        pixels = check_frames(frames, item)
        index = max(0, min(int(index), len(self._items)))
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_item(self.folder, item, pixels)
        try:
            self._commit([*self._items[:index], item, *self._items[index:]])
        except BaseException:
            _data_path(self.folder, item.id).unlink(missing_ok=True)
            raise
        return GalleryEdit("add", self.items, item, index)

    def remove(self, item_id: str) -> GalleryEdit:
        index = self.index_of(item_id)
        item = self._items[index]
        frames = self.frames(item_id)
        self._commit([*self._items[:index], *self._items[index + 1:]])
        _data_path(self.folder, item.id).unlink(missing_ok=True)
        return GalleryEdit("remove", self.items, item, index, frames=frames)

    def rename(self, item_id: str, name: str) -> GalleryEdit:
        index = self.index_of(item_id)
        previous = self._items[index]
        renamed = previous.replace(name=name)
        self._commit([*self._items[:index], renamed, *self._items[index + 1:]])
        return GalleryEdit("rename", self.items, renamed, index, previous=previous)

    def move(self, item_id: str, new_index: int) -> GalleryEdit:
        """Move an item to `new_index` of the gallery after the move (clamped)."""
        old_index = self.index_of(item_id)
        item = self._items[old_index]
        rest = [*self._items[:old_index], *self._items[old_index + 1:]]
        new_index = max(0, min(int(new_index), len(rest)))
        self._commit([*rest[:new_index], item, *rest[new_index:]])
        return GalleryEdit("move", self.items, item, new_index, previous_index=old_index)

    def render(self, item_id: str, frames: np.ndarray, model_id: str) -> GalleryEdit:
        """Replace an item's cached frames, e.g. with `regenerate`'s after more training."""
        index = self.index_of(item_id)
        previous = self._items[index]
        updated = previous.replace(model_id=model_id)
        pixels = check_frames(frames, updated)
        old_frames = self.frames(item_id)
        _write_item(self.folder, updated, pixels)
        try:
            self._commit([*self._items[:index], updated, *self._items[index + 1:]])
        except BaseException:
            _write_item(self.folder, previous, old_frames)
            raise
        return GalleryEdit("render", self.items, updated, index, previous=previous,
                           frames=old_frames)

    def revert(self, edit: GalleryEdit) -> GalleryEdit:
        """Undo `edit`; the returned edit reverts the undo (that is, redoes `edit`)."""
        if edit.action == "add":
            return self.remove(edit.item.id)
        if edit.action == "remove":
            return self.insert(edit.item, edit.frames, edit.index)
        if edit.action == "rename":
            return self.rename(edit.item.id, edit.previous.name)
        if edit.action == "move":
            return self.move(edit.item.id, edit.previous_index)
        if edit.action == "render":
            return self.render(edit.item.id, edit.frames, edit.previous.model_id)
        raise LatentiaError(f"unknown gallery edit {edit.action!r}")

    def _commit(self, items: list[GalleryItem]) -> None:
        """Write the index for `items`, then adopt them (nothing changes if writing fails)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.folder / INDEX_FILE, {
            "format": INDEX_FORMAT, "version": INDEX_VERSION,
            "items": [*(item.metadata() for item in items), *self._unreadable]})
        self._items = items


def check_frames(frames: np.ndarray, item: GalleryItem) -> np.ndarray:
    """Rendered frames of `item`: uint8 (n, S, S, C), one per latent code, C in 1, 3, 4."""
    pixels = np.asarray(frames)
    if pixels.dtype != np.uint8 or pixels.ndim != 4 or pixels.shape[3] not in (1, 3, 4):
        raise LatentiaError(f"frames must be uint8 (n, S, S, C) with 1, 3 or 4 channels; got "
                            f"{pixels.dtype} {pixels.shape}")
    if pixels.shape[0] != item.frame_count:
        raise LatentiaError(f"{pixels.shape[0]} frames given for an item of "
                            f"{item.frame_count} latent codes")
    return pixels


def _data_path(folder: Path, item_id: str) -> Path:
    return folder / f"{check_item_id(item_id)}.safetensors"


def _write_item(folder: Path, item: GalleryItem, frames: np.ndarray) -> None:
    tensors = {"latents": torch.from_numpy(np.array(item.latents)),
               "frames": torch.from_numpy(np.array(frames))}
    if item.source.direction is not None:
        tensors["direction"] = torch.from_numpy(np.array(item.source.direction))
    save_tensors(_data_path(folder, item.id), tensors)


def _read_arrays(folder: Path, item_id: str, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Only the named arrays (safetensors reads just those bytes); missing optional keys are
    left out. A missing or damaged file is a ProjectError naming the item."""
    path = _data_path(folder, item_id)
    if not path.is_file():
        raise ProjectError(f"the data of gallery item {item_id} is missing ({path})")
    try:
        with safe_open(str(path), framework="numpy") as data:
            present = set(data.keys())
            return {key: data.get_tensor(key) for key in keys if key in present}
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ProjectError(f"the data of gallery item {item_id} is corrupt ({path})") from exc


def _read_index(folder: Path) -> list[dict]:
    try:
        document = read_json(folder / INDEX_FILE, "gallery index")
    except LatentiaError as exc:
        raise ProjectError(str(exc)) from exc
    if not isinstance(document, dict) or document.get("format") != INDEX_FORMAT:
        raise ProjectError(f"{folder / INDEX_FILE} is not a Latentia gallery index")
    if document.get("version") != INDEX_VERSION:
        raise ProjectError(f"the gallery in {folder} was made by an unknown version of "
                           f"Latentia (version {document.get('version')!r})")
    entries = document.get("items")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ProjectError(f"the gallery index {folder / INDEX_FILE} is corrupt (bad item list)")
    return entries


def _load_item(folder: Path, entry: dict) -> GalleryItem:
    """An index entry plus its latents; a bad entry or data file is a ProjectError."""
    try:
        item_id = check_item_id(entry.get("id"))
        arrays = _read_arrays(folder, item_id, ("latents", "direction"))
        if "latents" not in arrays:
            raise ProjectError(f"the data of gallery item {item_id} has no latent codes")
        return GalleryItem(
            id=item_id, name=entry["name"], kind=entry["kind"], latents=arrays["latents"],
            source=GallerySource.from_dict(entry["source"], arrays.get("direction")),
            settings=ItemSettings.from_dict(entry["settings"]), model_id=str(entry["model_id"]),
            created=str(entry["created"]))
    except ProjectError:
        raise
    except (LatentiaError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProjectError(f"gallery entry {entry.get('id')!r} is invalid ({exc})") from exc

