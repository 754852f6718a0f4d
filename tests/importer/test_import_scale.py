"""The import benchmark's generator at CI size: its tenant imports and validates (no timings;
the 50,000-user figures are ``python -m benchmarks.tenant_import``)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.tenant_import import generate
from planner.importer import import_tenant, write_workbook
from planner.input.validate import read_org


def test_generated_tenant_imports_and_validates(tmp_path):
    generate(tmp_path / "exports", 3_000, seed=2)
    result = import_tenant([tmp_path / "exports"], min_group_size=10)
    org = read_org(write_workbook(result, tmp_path / "ORG.xlsx"))
    assert sum(g.users for g in org.groups) == result.users > 2_500
    assert 10 < len(org.groups) < 300
    assert org.org.agreement == "EA"          # 3,000 users: over the EA minimum
    assert min(g.users for g in org.groups if "other departments" not in g.name) >= 10
