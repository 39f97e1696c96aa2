"""The Qt checks of `latentia doctor`: PySide6, its platform plugins, and whether a window can
open here.

Qt aborts the whole process when its platform plugin cannot load, so the window test runs in
a child process (`latentia doctor --display-probe`) and is judged by what that child prints.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from studio.doctor.checks import FAIL, OK, WARN, Check
from studio.locations import CHECKOUT, is_frozen

PROBE_TIMEOUT_S = 60
XCB_LIBRARIES_HINT = ("on Debian or Ubuntu: sudo apt install libxcb-cursor0 libxkbcommon-x11-0 "
                      "libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
                      "libxcb-shape0 libegl1 libgl1 libfontconfig1 libdbus-1-3")


def probe_main() -> int:
    """In the child: start Qt's GUI layer and report the platform and screen as one JSON line."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(["latentia"])
    screen = app.primaryScreen()
    size = screen.size() if screen is not None else None
    print(json.dumps({"platform": app.platformName(),
                      "screen": [size.width(), size.height()] if size else None}))
    return 0


def probe_command() -> list[str]:
    if is_frozen():
        return [sys.executable, "doctor", "--display-probe"]
    return [sys.executable, "-m", "studio", "doctor", "--display-probe"]


def check_qt() -> tuple[Check, Path | None]:
    """PySide6's version and its platform plugins; also returns the plugin folder."""
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QLibraryInfo, qVersion
    except Exception as exc:
        return Check("Qt", FAIL, f"PySide6 cannot be imported: {type(exc).__name__}: {exc}",
                     "reinstall Latentia (pip install --force-reinstall latentia)"), None
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = sorted(re.sub(r"^(lib)?q|\.(so|dll|dylib)$", "", p.name)
                   for p in plugins.glob("*q*.*") if p.suffix in {".so", ".dll", ".dylib"})
    detail = f"PySide6 {pyside_version}, Qt {qVersion()}; platform plugins: {', '.join(names)}"
    if not names:
        return Check("Qt", FAIL, detail + "none", "reinstall PySide6-Essentials"), plugins
    return Check("Qt", OK, detail), plugins


def no_display_reason(environ: dict[str, str], system: str) -> str | None:
    """Why no window can open, when that is clear without trying (Linux without a display)."""
    if environ.get("QT_QPA_PLATFORM") or system != "linux":
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display: DISPLAY and WAYLAND_DISPLAY are unset (a server or an SSH session)"


def missing_xcb_libraries(plugins: Path | None) -> list[str]:
    """System libraries the xcb plugin needs that this Linux lacks (from `ldd`)."""
    if plugins is None or not sys.platform.startswith("linux"):
        return []
    qt_lib = plugins.parent.parent / "lib"
    targets = [plugins / "libqxcb.so", *qt_lib.glob("libQt6XcbQpa.so*")]
    missing: set[str] = set()
    for target in targets:
        if not target.is_file():
            continue
        try:
            out = subprocess.run(["ldd", str(target)], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        missing.update(m.group(1) for m in re.finditer(r"^\s*(\S+) => not found", out, re.M))
    return sorted(missing)


def debian_package(soname: str) -> str:
    """Debian's package for a library: libxcb-icccm.so.4 -> libxcb-icccm4 (a name ending in a
    digit takes a hyphen: libxkbcommon-x11.so.0 -> libxkbcommon-x11-0)."""
    stem, _, version = soname.partition(".so.")
    major = version.split(".")[0]
    name = f"{stem}-{major}" if stem[-1:].isdigit() else f"{stem}{major}"
    return name.lower()  # package names are lower case: libEGL.so.1 -> libegl1


def check_display(plugins: Path | None) -> Check:
    reason = no_display_reason(dict(os.environ), sys.platform)
    if reason:
        return Check("Display", WARN, reason,
                     "the window cannot open here; the command line works (latentia train "
                     "FOLDER --out NAME.latentia). Run latentia on the desktop, or use ssh -X")
    env = dict(os.environ, QT_DEBUG_PLUGINS="0")
    if not is_frozen():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT),
                                                          env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(probe_command(), capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return Check("Display", FAIL, f"Qt did not start within {PROBE_TIMEOUT_S} s",
                     "check that the display server answers (xdpyinfo), or run on the desktop")
    return judge_probe(done.returncode, done.stdout, done.stderr,
                       missing_xcb_libraries(plugins))


def judge_probe(returncode: int, stdout: str, stderr: str, missing_libs: list[str]) -> Check:
    result = next((line for line in stdout.splitlines() if line.startswith("{")), None)
    if returncode == 0 and result:
        found = json.loads(result)
        screen = found.get("screen")
        where = f"{screen[0]}x{screen[1]} screen" if screen else "no screen"
        detail = f"usable: Qt platform {found['platform']!r}, {where}"
        if found["platform"] in {"offscreen", "minimal"}:
            return Check("Display", WARN, detail + " (QT_QPA_PLATFORM: nothing is shown)",
                         "unset QT_QPA_PLATFORM to see the window")
        return Check("Display", OK, detail)
    said = [line.strip() for line in stderr.splitlines()
            if "plugin" in line.lower() or "display" in line.lower()]
    detail = "Qt could not open a window" + (f": {said[0]}" if said else "")
    if "xcb-cursor" in stderr and "libxcb-cursor.so.0" not in missing_libs:
        missing_libs = [*missing_libs, "libxcb-cursor.so.0"]
    if missing_libs:
        packages = " ".join(sorted(debian_package(name) for name in missing_libs))
        return Check("Display", FAIL, detail + f" (missing: {', '.join(missing_libs)})",
                     f"on Debian or Ubuntu: sudo apt install {packages}; the full list Qt "
                     f"needs is in the README (Troubleshooting)")
    return Check("Display", FAIL, detail,
                 "check DISPLAY or WAYLAND_DISPLAY; try QT_QPA_PLATFORM=xcb or wayland; "
                 + XCB_LIBRARIES_HINT)
