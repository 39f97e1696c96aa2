"""Lazy package exports: a package names what it offers, and each name loads on first use.

`models` and its subpackages are imported by the desktop app before torch may load (the window
is shown first) and by the CLI, which needs one small part at a time. A package lists
`{name: module}` and gets a module-level `__getattr__` (PEP 562) that imports the module only
when the name is first read, so `from models.gallery import OUTPUT_FORMATS` costs one small
module, not torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, names: Mapping[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """(`__getattr__`, `__dir__`) for `package`, serving each name of `names` from its module."""
    table = dict(names)

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted(table)

    return __getattr__, __dir__
