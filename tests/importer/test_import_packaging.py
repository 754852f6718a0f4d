"""The importer's data ships inside the package: a wheel carries every data file."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_the_importer_and_its_data(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                           "-w", str(tmp_path)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel, = tmp_path.glob("planner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {p.name for p in (ROOT / "planner" / "importer" / "data").iterdir() if p.is_file()}
    assert data and {f"planner/importer/data/{n}" for n in data} <= names
    assert "planner/importer/build.py" in names
