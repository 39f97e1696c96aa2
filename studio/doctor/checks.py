"""The checks of `latentia doctor` that need no display: Python, Latentia's own files, torch and
the compute devices, the optional extras, disk space and the log folder.

Each check returns a `Check`; none raises (a check that cannot run is itself the finding).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from models import __version__
from studio.locations import ICONS, RESOURCES, log_folder

OK, INFO, WARN, FAIL = "ok", "info", "warn", "fail"
MIN_PYTHON = (3, 11)
LOW_DISK_BYTES = 2 * 1024**3  # a 10,000-image 128 px cache plus checkpoints fits in ~1 GB
CPU_TORCH_HINT = ("install it with: pip install torch torchvision (on Linux without an NVIDIA "
                  "GPU, add --index-url https://download.pytorch.org/whl/cpu for the small "
                  "CPU-only build)")


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report; `hint` says what to do when the level is warn or fail."""

    name: str
    level: str
    detail: str
    hint: str = ""


def check_python() -> Check:
    version = platform.python_version()
    where = Path(sys.executable).name if getattr(sys, "frozen", False) else sys.executable
    if sys.version_info[:2] < MIN_PYTHON:
        return Check("Python", FAIL, f"{version} ({where})",
                     "Latentia needs Python 3.11 or newer")
    return Check("Python", OK, f"{version} ({where})")


def check_resources() -> Check:
    icons = (ICONS / "latentia.svg").is_file()
    demo = (RESOURCES / "demo" / "project" / "project.json").is_file()
    detail = f"{__version__}, resources in {RESOURCES}"
    if not icons:
        return Check("Latentia", FAIL, detail + " (icons missing)",
                     "this copy of Latentia is incomplete: reinstall it")
    if not demo:
        return Check("Latentia", WARN, detail + " (no demo project)",
                     "'Try the demo' is unavailable: reinstall Latentia to get it back")
    return Check("Latentia", OK, detail + " (icons, demo)")


def check_torch() -> list[Check]:
    """torch and its build, then the CPU and the GPUs it sees."""
    start = time.perf_counter()
    try:
        import torch
    except Exception as exc:  # ImportError, or a broken install's OSError on a shared library
        return [Check("torch", FAIL, f"cannot be imported: {type(exc).__name__}: {exc}",
                      CPU_TORCH_HINT)]
    seconds = time.perf_counter() - start
    if torch.version.cuda:
        build = f"CUDA {torch.version.cuda} build"
    elif getattr(torch.version, "hip", None):
        build = f"ROCm {torch.version.hip} build"
    else:
        build = "CPU-only build"
    checks = [Check("torch", OK, f"{torch.__version__}, {build} (imported in {seconds:.1f} s)")]
    return [*checks, check_cpu(torch), check_gpu(torch)]


def check_cpu(torch) -> Check:
    from models.runtime import cpu_supports_bf16

    capability = torch.backends.cpu.get_cpu_capability()
    cores = os.cpu_count() or 1
    threads = torch.get_num_threads()
    bf16 = "bf16: yes (used when it is faster)" if cpu_supports_bf16() else "bf16: no (fp32)"
    detail = (f"{platform.machine()} {capability}, {threads} threads on {cores} logical cores, "
              f"{bf16}")
    if cores <= 2:
        return Check("CPU", WARN, detail,
                     "a small CPU: prefer 32 or 64 px images and a time budget (--minutes); train "
                     "big folders on a GPU machine")
    return Check("CPU", OK, detail)


def check_gpu(torch) -> Check:
    if torch.cuda.is_available():
        names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
        bf16 = "bf16: yes" if torch.cuda.is_bf16_supported() else "bf16: no"
        return Check("GPU", OK, f"CUDA: {names}; {bf16}")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return Check("GPU", OK, "Apple MPS")
    reason = "no CUDA GPU" if torch.version.cuda else "this torch has no CUDA"
    return Check("GPU", INFO, f"none ({reason}, no Apple MPS): training runs on the CPU")


def check_extras() -> list[Check]:
    umap = importlib.util.find_spec("umap") is not None
    av = importlib.util.find_spec("av") is not None
    return [
        Check("UMAP", OK if umap else INFO,
              "installed (the Map can use UMAP)" if umap
              else "not installed (the Map uses PCA); add it with: pip install \"latentia[umap]\""),
        Check("MP4 export", OK if av else INFO,
              "PyAV installed" if av
              else "not installed (GIF, WebP, APNG work); add it with: "
                   "pip install \"latentia[mp4]\""),
    ]


def existing_ancestor(path: Path) -> Path:
    """`path` or its nearest existing parent (a projects folder may not exist yet)."""
    path = path.expanduser().absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(folder: Path) -> Check:
    try:
        free = shutil.disk_usage(existing_ancestor(folder)).free
    except OSError as exc:
        return Check("Disk", WARN, f"cannot read free space of {folder}: {exc}")
    detail = f"{free / 1024**3:.1f} GB free in {folder}"
    if free < LOW_DISK_BYTES:
        return Check("Disk", WARN, detail,
                     "projects keep a copy of their images and checkpoints: free some space or "
                     "choose another projects folder (Edit > Preferences)")
    return Check("Disk", OK, detail)


def check_logs() -> Check:
    return Check("Logs", INFO, str(log_folder()))
