"""`latentia --install-desktop`: add Latentia to the current user's Linux desktop menu.

Copies the freedesktop entry (with `Exec` pointing at the Latentia that is running now: the
venv's `latentia` script, a PyInstaller build or `python -m studio`), the AppStream metainfo,
the `.latentia-model` file type and the icon in every size into $XDG_DATA_HOME (usually
~/.local/share), then refreshes the desktop's caches where their tools exist.
`--uninstall-desktop` removes exactly those files again. Qt-free.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from studio.locations import APP_ICONS, APP_ID, DESKTOP_FILES, ICONS, is_frozen

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Characters that force a desktop-entry Exec argument into double quotes (spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


@dataclass(frozen=True)
class InstalledFile:
    source: Path
    target: Path


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launch_command(argv0: str | None = None) -> list[str]:
    """The command that starts this very copy of Latentia."""
    if is_frozen():
        return [str(Path(sys.executable).resolve())]
    script = Path(argv0 if argv0 is not None else sys.argv[0])
    if script.name in {"latentia", "latentia.exe"} and script.is_file():
        return [str(script.resolve())]
    return [str(Path(sys.executable).resolve()), "-m", "studio"]


def quote_exec_argument(argument: str) -> str:
    """One argument of an Exec line: quoted and escaped as the desktop-entry spec asks."""
    if argument and not _EXEC_RESERVED.intersection(argument):
        return argument.replace("%", "%%")
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument).replace("%", "%%")
    # The whole value is a desktop-file string too, whose own escaping doubles backslashes.
    return '"' + escaped.replace("\\", "\\\\") + '"'


def desktop_entry_text(command: list[str]) -> str:
    """The packaged entry with Exec and TryExec pointing at `command`."""
    lines = []
    for line in (DESKTOP_FILES / f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(quote_exec_argument(a) for a in command) + " %f"
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0]
        lines.append(line)
    return "\n".join(lines) + "\n"


def planned_files(share: Path) -> list[InstalledFile]:
    """Every file --install-desktop copies (the .desktop entry itself is written separately)."""
    icons = share / "icons" / "hicolor"
    files = [InstalledFile(APP_ICONS / f"latentia-{size}.png",
                           icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
             for size in ICON_SIZES]
    files.append(InstalledFile(ICONS / "latentia.svg",
                               icons / "scalable" / "apps" / f"{APP_ID}.svg"))
    files.append(InstalledFile(DESKTOP_FILES / f"{APP_ID}.metainfo.xml",
                               share / "metainfo" / f"{APP_ID}.metainfo.xml"))
    files.append(InstalledFile(DESKTOP_FILES / f"{APP_ID}.mime.xml",
                               share / "mime" / "packages" / f"{APP_ID}.xml"))
    return files


def desktop_entry_path(share: Path) -> Path:
    return share / "applications" / f"{APP_ID}.desktop"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def install(share: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Install the entry, metainfo, file type and icons; returns the files written."""
    share = share or data_home()
    command = command or launch_command()
    missing = [f.source for f in planned_files(share) if not f.source.is_file()]
    if missing:
        raise FileNotFoundError(f"this copy of Latentia lacks {missing[0]}")
    written = []
    for item in planned_files(share):
        _write_atomically(item.target, item.source.read_bytes())
        written.append(item.target)
    entry = desktop_entry_path(share)
    _write_atomically(entry, desktop_entry_text(command).encode("utf-8"))
    written.append(entry)
    refresh_caches(share)
    return written


def uninstall(share: Path | None = None) -> list[Path]:
    """Remove what `install` wrote; returns the files removed."""
    share = share or data_home()
    removed = []
    for path in [desktop_entry_path(share), *(f.target for f in planned_files(share))]:
        if path.is_file():
            path.unlink()
            removed.append(path)
    refresh_caches(share)
    return removed


def refresh_caches(share: Path) -> None:
    """Tell the desktop about the change; each tool is optional and its failure harmless."""
    for tool, *args in (("update-desktop-database", "-q", share / "applications"),
                        ("update-mime-database", share / "mime"),
                        ("gtk-update-icon-cache", "-q", "-t", "-f", share / "icons" / "hicolor")):
        executable = shutil.which(tool)
        if executable is None or not Path(args[-1]).is_dir():
            continue
        try:
            subprocess.run([executable, *map(str, args)], check=True, timeout=60,
                           capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("%s failed: %s", tool, exc)
