"""``planner import`` through the installed console script: import -> validate -> solve."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tenant_helpers import FIXTURES, fixture_files, planner

FIXTURE_MAKER = FIXTURES / "make_tenants.py"


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_import_validate_solve_round_trip(tmp_path, tenant_a):
    before = digests(tenant_a)
    out = tmp_path / "ORG.xlsx"
    done = planner("import", str(tenant_a), "-o", str(out), "--as-of", "2026-12-01",
                   "--min-group-size", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == (f"wrote {out}: 8 groups, 28 users, 5 holdings, "
                                            "13 findings, 2 unmapped")
    assert "Traceback" not in done.stderr
    checked = planner("validate", str(out))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().endswith("ORG.xlsx: OK (8 groups, 28 users, 5 holdings)")
    solved = planner("solve", str(out), "--json", "--no-alternatives")
    assert solved.returncode == 0, solved.stderr
    plan = json.loads(solved.stdout)
    assert plan["status"] == "optimal"
    assert sum(a["users"] for a in plan["assignments"]) == 28
    assert digests(tenant_a) == before   # inputs never modified
    assert not list(tenant_a.rglob("*.tmp"))


def test_existing_output_and_output_over_an_input_are_refused(tmp_path, tenant_b):
    inputs = tmp_path / "in"
    shutil.copytree(tenant_b, inputs)
    out = tmp_path / "ORG.xlsx"
    assert planner("import", str(inputs), "-o", str(out)).returncode == 0
    again = planner("import", str(inputs), "-o", str(out))  # its own, unchanged: replaced
    assert again.returncode == 0, again.stderr
    out.write_bytes(out.read_bytes() + b"edited by hand")
    edited = out.read_bytes()
    kept = planner("import", str(inputs), "-o", str(out))
    assert kept.returncode == 2 and "was changed since planner wrote it; kept" in kept.stderr
    assert out.read_bytes() == edited
    assert planner("import", str(inputs), "-o", str(out), "--force").returncode == 0
    target = inputs / "users_english.csv"
    before = target.read_bytes()
    over = planner("import", str(target), "-o", str(target), "--force")
    assert over.returncode == 2 and "refusing to write the output over the input file" in over.stderr
    assert target.read_bytes() == before


def test_bad_input_exits_2_with_one_line_per_problem_and_writes_nothing(tmp_path):
    (tmp_path / "users.json").write_text('{"value": [{"userPrincipalName": "a@example.com",')
    (tmp_path / "notes.txt").write_text("hello,world\n1,2\n")
    (tmp_path / "skus.csv").write_text("SkuPartNumber,ActiveUnits\nSPE_E3,many\n")
    out = tmp_path / "ORG.xlsx"
    done = planner("import", str(tmp_path), "-o", str(out))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    name = tmp_path.name
    assert lines[0].startswith(f"{name}/notes.txt, row 1: not a recognised export")
    assert lines[1] == f"{name}/skus.csv, row 2, column ActiveUnits: 'many' is not a number"
    assert lines[2].startswith(f"{name}/users.json, row 1, column ")
    assert "JSON ends early: the file is truncated" in lines[2]
    assert lines[3].startswith("no users export among the inputs")
    assert len(lines) == 4 and "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".ORG.xlsx*"))


def test_committed_fixtures_are_what_the_generator_writes():
    for rel, data in fixture_files().items():
        assert (FIXTURES / rel).read_bytes() == data, f"{rel}: run {FIXTURE_MAKER.name}"
    apps = (FIXTURES / "tenant_a/reports/M365AppUserDetail.csv").read_bytes()
    assert apps.startswith(b"\xef\xbb\xbf") and b"\r\n" in apps
