"""The importer's data ships inside the package: a wheel carries every table of
``catalog/tenant/`` (the SKU alias table and its version, the evidence rules, the
Windows editions) as ``planner/_catalog/tenant/``."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_the_importer_and_its_tenant_tables(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                           "-w", str(tmp_path)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel, = tmp_path.glob("planner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tables = {p.name for p in (ROOT / "catalog" / "tenant").iterdir() if p.is_file()}
    assert {"sku_aliases.csv", "sku_aliases_version.csv", "evidence_rules.csv",
            "windows_editions.csv"} <= tables
    assert {f"planner/_catalog/tenant/{n}" for n in tables} <= names
    assert "planner/importer/build.py" in names and "planner/importer/tables.py" in names
