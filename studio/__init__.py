"""Latentia's desktop app: a PySide6 client of the `models` library.

Importing `studio` stays cheap (no torch): the backend loads in the worker thread after the
window is on screen. Start it with `latentia` or `python -m studio`.
"""

from models import __version__

__all__ = ["__version__"]
