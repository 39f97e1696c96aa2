"""The guide shipped in resources/ (shown by Help ▸ User guide) is the README's user guide."""

from __future__ import annotations

from pathlib import Path

from studio.window.dialogs import user_guide_markdown

ROOT = Path(__file__).resolve().parents[2]


def readme_guide() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## User guide")
    end = text.index("\n## ", start + 5)
    return text[start:end].strip()


def test_shipped_guide_matches_the_readme():
    shipped = (ROOT / "resources" / "user_guide.md").read_text(encoding="utf-8")
    expected = "# User guide\n" + readme_guide()[len("## User guide"):] + "\n"
    assert shipped == expected.replace("\n### ", "\n## "), (
        "resources/user_guide.md differs from the README's user guide; copy it over")


def test_help_shows_every_panel_guide():
    guide = user_guide_markdown()
    for panel in ("Train panel", "Map panel", "Canvas panel", "Gallery panel"):
        assert panel in guide
