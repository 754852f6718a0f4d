"""The command line, end to end: through Typer's runner and the installed console script."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.cli.commands import app
from support import console_script, digest

runner = CliRunner()



@pytest.fixture
def org(tmp_path, scenario_path):
    dst = tmp_path / "tailspin.xlsx"
    shutil.copy(scenario_path("tailspin_toys"), dst)
    return dst



def test_solve_json_stdout_is_only_json_and_input_untouched(org):
    before = digest(org)
    result = runner.invoke(app, ["solve", str(org), "--json", "--no-alternatives"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "optimal" and payload["currency"] == "USD"
    assert {"annual_cost", "baseline_annual_cost", "gap", "purchases", "assignments"} <= set(payload)
    assert payload["purchases"][0].keys() >= {"action", "product", "product_name", "quantity",
                                              "unit_price", "monthly_cost", "annual_cost"}
    groups = {a["group"]: a["products"] for a in payload["assignments"]}
    # a customer new to the suites buys Office 365 E3 (no Teams) + Teams Enterprise (since 2024-04)
    assert groups["part_time"] == ["o365_e3_no_teams", "teams_enterprise", "ems_e3", "vda_user"]
    assert digest(org) == before
    assert (org.parent / "tailspin-plan.xlsx").exists()


def test_solve_writes_the_plan_workbook_with_values(org, tmp_path):
    out = tmp_path / "out" / "plan.xlsx"
    out.parent.mkdir()
    result = runner.invoke(app, ["solve", str(org), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:8] == ["Summary", "Changes", "Purchases", "Cost by product", "Assignments",
                                 "Alternatives", "Compliance", "Checks"]
    purchases = wb["Purchases"]
    header = [c.value for c in purchases[1]]
    assert header[:7] == ["action", "product", "product_name", "quantity", "unit_price", "monthly_cost", "annual_cost"]
    assert purchases["G2"].value == purchases["F2"].value * 12  # values; formulas on Checks
    assert str(wb["Checks"]["D2"].value).startswith("=")
    assert purchases.freeze_panes == "A2"
    compliance = [r[2] for r in wb["Compliance"].iter_rows(min_row=2, values_only=True)]
    assert compliance and all(v == "PASS" for v in compliance)
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=1, values_only=True) if r[0]}
    assert any("tailspin.xlsx" in str(v) for v in summary.values())


def test_solve_refuses_to_write_over_the_input(org):
    before = digest(org)
    result = runner.invoke(app, ["solve", str(org), "-o", str(org)])
    assert result.exit_code == 2
    assert "refusing to write the plan over the input file" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(org) == before


def test_solve_at_renewal_needs_a_renewal_date(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Groups"
    ws.append(["group", "users", "needs"])
    ws.append(["staff", 5, "m365_e3_equivalent"])
    path = tmp_path / "org.xlsx"
    wb.save(path)
    result = runner.invoke(app, ["solve", str(path), "--at", "renewal"])
    assert result.exit_code == 2
    assert "renewal_date" in result.stderr


def test_infeasible_group_exits_1_naming_group_need_and_fix(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Groups"
    ws.append(["group", "users", "primary_device", "needs"])
    ws.append(["kiosk", 5, "other", "windows_enterprise"])
    path = tmp_path / "org.xlsx"
    wb.save(path)
    result = runner.invoke(app, ["solve", str(path)])
    assert result.exit_code == 1
    assert "group 'kiosk' cannot be licensed for 'windows_enterprise'" in result.stderr
    assert "qualifying OS" in result.stderr and "closest fix" in result.stderr


def test_validate_and_catalog_and_template(tmp_path, org):
    ok = runner.invoke(app, ["validate", str(org)])
    assert ok.exit_code == 0 and "OK (5 groups, 1085 users, 2 holdings)" in ok.stdout
    cat = runner.invoke(app, ["catalog", "--kind", "step_up", "--json"])
    assert cat.exit_code == 0
    ids = [p["id"] for p in json.loads(cat.stdout)["products"]]
    assert ids and all(i.startswith("step_") for i in ids)
    bad = runner.invoke(app, ["catalog", "--price-list", "nope"])
    assert bad.exit_code == 2 and "us-list-2026-07" in bad.stderr
    tpl = tmp_path / "blank.xlsx"
    assert runner.invoke(app, ["template", str(tpl)]).exit_code == 0
    again = runner.invoke(app, ["template", str(tpl)])  # its own, unchanged: replaced
    assert again.exit_code == 0, again.stderr
    wb = openpyxl.load_workbook(tpl)
    wb["Groups"].append(["sales", 10])
    wb.save(tpl)
    kept = runner.invoke(app, ["template", str(tpl)])
    assert kept.exit_code == 2
    assert "blank.xlsx: was changed since planner wrote it; kept (pass --force" in kept.stderr
    assert runner.invoke(app, ["template", str(tpl), "--force"]).exit_code == 0


def test_template_round_trip_fill_and_solve(tmp_path):
    tpl = tmp_path / "org.xlsx"
    assert runner.invoke(app, ["template", str(tpl)]).exit_code == 0
    wb = openpyxl.load_workbook(tpl)
    groups = wb["Groups"]
    groups.append(["frontline", 40, "frontline", 1, "other", "frontline_basic", None, "shop floor"])
    wb.save(tpl)
    result = runner.invoke(app, ["solve", str(tpl), "--json", "--no-alternatives"])
    assert result.exit_code == 0, result.stderr
    products = {a["group"]: a["products"] for a in json.loads(result.stdout)["assignments"]}
    assert products["frontline"] == ["m365_f1"]


def test_audit_flags_a_plan_edited_by_hand(org, tmp_path):
    plan_file = tmp_path / "tailspin-plan.xlsx"
    assert runner.invoke(app, ["solve", str(org), "--no-alternatives"]).exit_code == 0
    ok = runner.invoke(app, ["audit", str(plan_file)])
    assert ok.exit_code == 0 and "compliant" in ok.stdout
    wb = openpyxl.load_workbook(plan_file)
    ws = wb["Assignments"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "part_time":
            row[2].value = "m365_e3"
    wb.save(plan_file)
    bad = runner.invoke(app, ["audit", str(org), "--plan", str(plan_file), "--json"])
    assert bad.exit_code == 1
    checks = {v["check"] for v in json.loads(bad.stdout)["violations"]}
    assert {"eligibility", "supply"} <= checks


def test_roles_are_mounted():
    result = runner.invoke(app, ["roles", "--help"])
    assert result.exit_code == 0 and "plan" in result.stdout and "status" in result.stdout


def test_help_documents_every_command():
    for command in ("solve", "template", "validate", "catalog", "audit"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and len(result.stdout) > 200, command
    # rich markup would swallow text in square brackets
    assert "ORG-plan.xlsx" in runner.invoke(app, ["solve", "--help"], env={"COLUMNS": "200"}).stdout


def test_installed_console_script_end_to_end(org):
    before = digest(org)
    proc = subprocess.run(console_script() + ["solve", str(org), "--json", "--no-alternatives"],
                          capture_output=True, text=True, cwd=org.parent, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "optimal"
    assert "Traceback" not in proc.stderr
    assert digest(org) == before
    audit = subprocess.run(console_script() + ["audit", str(org.parent / "tailspin-plan.xlsx")],
                           capture_output=True, text=True, timeout=120)
    assert audit.returncode == 0, audit.stderr


@pytest.mark.parametrize("args, code, fragment", [
    (["validate", "{org}"], 0, "OK (5 groups"),
    (["template", "{tmp}/blank.xlsx"], 0, "wrote"),
    (["catalog", "--kind", "suite"], 0, "m365_e7"),
    (["roles", "template", "{tmp}/people.xlsx"], 0, ""),
    (["solve", "{tmp}/missing.xlsx"], 2, "missing.xlsx: file not found"),
    (["solve", "{org}", "--solver", "gurobi"], 2, "gurobi"),
])
def test_every_command_through_the_console_script(org, tmp_path, args, code, fragment):
    argv = [a.format(org=org, tmp=tmp_path) for a in args]
    proc = subprocess.run(console_script() + argv, capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    assert proc.returncode == code, proc.stderr
    assert fragment in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_catalog_json_is_strict_json():
    """RFC 8259: missing prices are null, never NaN (jq and browsers reject NaN)."""
    import subprocess

    exe = Path(sys.executable).with_name("planner")
    out = subprocess.run([str(exe), "catalog", "--json"], capture_output=True, text=True, check=True)

    def reject(constant):
        raise ValueError(constant)

    payload = json.loads(out.stdout, parse_constant=reject)
    assert payload["products"] and payload["needs"]
