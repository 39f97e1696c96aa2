"""`latentia doctor`: each check judges what it finds, and the exit code says whether Latentia
can run here."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

import studio.doctor as doctor
from studio.doctor import checks, display
from studio.doctor.checks import FAIL, INFO, OK, WARN, Check

ROOT = Path(__file__).resolve().parents[2]


def test_report_lists_hints_and_names_what_to_fix():
    report = doctor.format_report([
        Check("Python", OK, "3.11"), Check("Display", WARN, "none", "use ssh -X"),
        Check("torch", FAIL, "missing", "pip install torch"), Check("UMAP", INFO, "absent")])
    assert "-> use ssh -X" in report and "-> pip install torch" in report
    assert report.splitlines()[-1] == "Not ready: fix torch (see the hints above)."


def test_exit_code_is_1_only_when_something_needed_fails(monkeypatch, capsys):
    found = [Check("Python", OK, "3.11"), Check("Display", WARN, "none", "hint")]
    monkeypatch.setattr(doctor, "run_checks", lambda folder: found)
    assert doctor.main([]) == 0
    found.append(Check("torch", FAIL, "cannot be imported", "pip install torch"))
    assert doctor.main([]) == 1
    assert "Not ready: fix torch" in capsys.readouterr().out


def test_missing_torch_fails_with_the_cpu_only_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    (check,) = checks.check_torch()
    assert check.level == FAIL and "download.pytorch.org/whl/cpu" in check.hint


def test_low_disk_space_warns(monkeypatch, tmp_path):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(checks.shutil, "disk_usage", lambda path: usage(10, 9, 100 * 1024**2))
    check = checks.check_disk(tmp_path / "not" / "made" / "yet")
    assert check.level == WARN and "0.1 GB free" in check.detail


def test_resources_of_this_checkout_are_complete():
    assert checks.check_resources().level == OK


@pytest.mark.parametrize(("environ", "system", "expected"), [
    ({}, "linux", True), ({"DISPLAY": ":0"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False), ({}, "darwin", False)])
def test_no_display_is_recognised_without_starting_qt(environ, system, expected):
    assert (display.no_display_reason(environ, system) is not None) is expected


def test_a_probe_that_aborts_names_the_missing_xcb_packages():
    stderr = ("qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the "
              "Qt xcb platform plugin.\nAborted (core dumped)\n")
    check = display.judge_probe(-6, "", stderr, ["libxcb-icccm.so.4", "libxkbcommon-x11.so.0"])
    assert check.level == FAIL and "xcb-cursor0" in check.detail
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0" in check.hint


def test_a_working_probe_reports_platform_and_screen():
    check = display.judge_probe(0, '{"platform": "xcb", "screen": [1920, 1080]}\n', "", [])
    assert check.level == OK and "'xcb', 1920x1080 screen" in check.detail


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1")])
def test_debian_package_names(soname, package):
    assert display.debian_package(soname) == package


def test_doctor_runs_for_real_and_probes_qt_in_a_child(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "studio", "doctor", str(tmp_path)],
                          capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("Python", "Latentia", "torch", "CPU", "GPU", "Qt", "Display", "UMAP",
                 "MP4 export", "Disk", "Logs"):
        assert f" {name} " in done.stdout
    assert "usable: Qt platform 'offscreen'" in done.stdout
    assert f"free in {tmp_path}" in done.stdout
