"""The wheel ships every package of the source tree and the resources (icons, demo, guide)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def declared_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_source_package_is_declared():
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for top in ("models", "studio") for init in (ROOT / top).rglob("__init__.py")}
    assert found <= declared_packages(), sorted(found - declared_packages())


def test_resources_ship_as_studio_resources():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-dir"]["studio.resources"] == "resources"
    assert (ROOT / "resources" / "icons").is_dir()
    assert (ROOT / "resources" / "user_guide.md").is_file()


def test_desktop_files_ship_as_studio_desktop_files():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-dir"]["studio.desktop_files"] == "packaging/linux"
    assert (ROOT / "packaging" / "linux" / "org.latentia.Latentia.desktop").is_file()
