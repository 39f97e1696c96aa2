"""Image files dropped on the window or the gallery: what Remix looks up.

Exports carry their latent codes (PNG chunk or JSON sidecar), so a dropped export finds exactly
the codes it came from; any other image is encoded by the model.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

REMIX_SUFFIXES = (".png",)  # exported stills, sheets, frames and APNGs: where provenance lives


def is_remix_image(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in REMIX_SUFFIXES


def dropped_images(mime: QMimeData) -> list[str]:
    """The dropped local PNG files, in drop order."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [str(path) for path in paths if is_remix_image(path)]
