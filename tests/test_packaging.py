"""The catalog ships inside the package: a non-editable install carries every data file."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_catalog_and_the_role_tables(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                           "-w", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel, = tmp_path.glob("planner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT / "catalog").as_posix() for p in (ROOT / "catalog").rglob("*.csv")}
    assert shipped, "no catalog files found"
    missing = {f for f in shipped if f"planner/_catalog/{f}" not in names}
    assert not missing
    assert "planner/cli/commands.py" in names and "planner/roles/cli.py" in names
    assert "planner/batch/runner.py" in names
