"""Every `models` package loads its names on first use: importing one, or reading a constant
of it, costs neither torch nor scikit-learn (the app reads constants before torch loads)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("models", "models.cli", "models.export", "models.gallery", "models.ingest",
            "models.latent_map", "models.latent_map.maths", "models.training")


def heavy_modules_after(code: str) -> str:
    probe = (f"{code}\nimport sys\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'sklearn', "
             "'scipy', 'torchvision', 'PySide6'}))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_importing_every_package_loads_nothing_heavy():
    assert heavy_modules_after("\n".join(f"import {name}" for name in PACKAGES)) == "[]"


@pytest.mark.parametrize("statement", [
    "from models.project_files import MODEL_SUFFIX, PROJECT_SUFFIX, is_project_path",
    "from models.export.settings import ANIMATED_FORMATS, OUTPUT_FORMATS, STILL_FORMATS",
    "from models.gallery import ITEM_KINDS, OUTPUT_FORMATS",
    "from models.latent_map.maths import EASINGS, INTERPOLATION_MODES",
    "from models.ingest import SUPPORTED_EXTENSIONS",
    "from models.config import FIT_MODES, RESOLUTION_PRESETS",
])
def test_constants_load_without_torch(statement):
    assert heavy_modules_after(statement) == "[]"


def test_a_name_loads_its_module_on_first_use():
    code = ("import sys, models.latent_map.maths as maths\n"
            "assert 'models.latent_map.maths.interpolation' not in sys.modules\n"
            "assert maths.EASINGS[0] == 'linear'\n"
            "assert 'models.latent_map.maths.interpolation' in sys.modules\n"
            "assert 'EASINGS' in dir(maths)\n"
            "try:\n    maths.no_such_name\nexcept AttributeError as exc:\n    print(exc)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert "has no attribute 'no_such_name'" in result.stdout
