"""First use through the installed console script: names, streams, JSON errors, CSV, help."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import date

import openpyxl
import pandas as pd
import pytest
from support import digest, error_lines, run_cli, write_xlsx

ORG_SHEETS = ("Organization", "Groups", "Holdings")


@pytest.fixture
def org(tmp_path, scenario_path):
    dst = tmp_path / "tailspin.xlsx"
    shutil.copy(scenario_path("tailspin_toys"), dst)
    return dst


def small_org(path, users=5, **extra):
    sheets = {"Organization": [["field", "value"], ["as_of", "2026-11-23"],
                               ["renewal_date", "2027-06-30"]],
              "Groups": [["group", "users", "devices_per_user", "needs"],
                         ["staff", users, 1, "m365_e3_equivalent"]], **extra}
    return write_xlsx(path, sheets)


# ------------------------------------------------------------------ output names, --force

def test_default_names_carry_the_planning_point_and_never_collide(tmp_path):
    org = small_org(tmp_path / "org.xlsx")
    now = run_cli("solve", "org.xlsx", "--no-alternatives", cwd=tmp_path)
    renewal = run_cli("solve", "org.xlsx", "--at", "renewal", "--no-alternatives", cwd=tmp_path)
    assert now.returncode == 0 and renewal.returncode == 0, now.stderr + renewal.stderr
    assert "wrote org-plan.xlsx" in now.stderr
    assert "wrote org-plan-renewal.xlsx" in renewal.stderr
    summaries = {name: pd.read_excel(tmp_path / name, sheet_name="Summary")
                 for name in ("org-plan.xlsx", "org-plan-renewal.xlsx")}
    assert all(len(s) for s in summaries.values())
    assert org.exists()


def test_an_edited_plan_is_kept_unless_force(tmp_path):
    small_org(tmp_path / "org.xlsx")
    assert run_cli("solve", "org.xlsx", "--no-alternatives", cwd=tmp_path).returncode == 0
    again = run_cli("solve", "org.xlsx", "--no-alternatives", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # planner's own, unchanged: replaced
    plan = tmp_path / "org-plan.xlsx"
    wb = openpyxl.load_workbook(plan)
    wb["Purchases"]["D2"] = 99
    wb.save(plan)
    edited = digest(plan)
    kept = run_cli("solve", "org.xlsx", "--no-alternatives", cwd=tmp_path)
    assert kept.returncode == 2
    assert error_lines(kept.stderr) == [
        "org-plan.xlsx: was changed since planner wrote it; kept (pass --force to replace "
        "it, or choose another name with -o)"]
    assert digest(plan) == edited
    forced = run_cli("solve", "org.xlsx", "--no-alternatives", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert digest(plan) != edited


def test_roles_plan_keeps_a_file_it_did_not_write(tmp_path):
    assert run_cli("roles", "template", "people.xlsx", cwd=tmp_path).returncode == 0
    (tmp_path / "people-roles.xlsx").write_bytes(b"someone else's file")
    kept = run_cli("roles", "plan", "people.xlsx", cwd=tmp_path)
    assert kept.returncode == 2
    assert "people-roles.xlsx: exists and was not written by planner; kept" in kept.stderr
    assert (tmp_path / "people-roles.xlsx").read_bytes() == b"someone else's file"
    forced = run_cli("roles", "plan", "people.xlsx", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


# ------------------------------------------------------------------ -o suffixes, CSV tables

def test_unknown_plan_suffix_is_refused(tmp_path):
    small_org(tmp_path / "org.xlsx")
    result = run_cli("solve", "org.xlsx", "-o", "plan.pdf", cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        "plan.pdf: cannot write a plan as '.pdf' (use .xlsx (the plan workbook) or .csv "
        "(one CSV file per table))"]
    assert not (tmp_path / "plan.pdf").exists()


def test_csv_output_is_one_file_per_table(org, tmp_path):
    result = run_cli("solve", org.name, "-o", "plan.csv", "--no-alternatives", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = ["summary", "changes", "purchases", "assignments", "alternatives", "compliance"]
    for name in names:
        assert f"wrote plan-{name}.csv" in result.stderr
    assert not (tmp_path / "plan.csv").exists()
    purchases = pd.read_csv(tmp_path / "plan-purchases.csv")
    assert list(purchases.columns[:4]) == ["action", "product", "product_name", "quantity"]
    summary = pd.read_csv(tmp_path / "plan-summary.csv").set_index("field")["value"]
    assert float(summary["annual_cost"]) == pytest.approx(purchases["annual_cost"].sum())
    assert set(pd.read_csv(tmp_path / "plan-compliance.csv")["passed"]) == {True}


# ------------------------------------------------------------------ streams and JSON

def test_results_on_stdout_diagnostics_on_stderr(org, tmp_path):
    solve = run_cli("solve", org.name, "--no-alternatives", cwd=tmp_path)
    assert solve.returncode == 0, solve.stderr
    assert "License plan" in solve.stdout and "Purchases" in solve.stdout
    assert "License plan" not in solve.stderr and "wrote tailspin-plan.xlsx" in solve.stderr
    validate = run_cli("validate", org.name, cwd=tmp_path)
    assert validate.stdout.strip() == "tailspin.xlsx: OK (5 groups, 1085 users, 2 holdings)"
    audit = run_cli("audit", "tailspin-plan.xlsx", cwd=tmp_path)
    assert audit.stdout.strip() == "tailspin-plan.xlsx: compliant (audited against tailspin.xlsx)"
    assert audit.stderr == ""


def test_plural_forms(tmp_path):
    small_org(tmp_path / "one.xlsx", users=1,
              Holdings=[["product", "quantity"], ["m365_e3", 1]])
    result = run_cli("validate", "one.xlsx", cwd=tmp_path)
    assert result.stdout.strip() == "one.xlsx: OK (1 group, 1 user, 1 holding)"


def test_json_errors_are_json_on_stdout_with_the_exit_code(tmp_path):
    write_xlsx(tmp_path / "bad.xlsx", {"Groups": [["group", "users", "needs"],
                                                   ["staff", "lots", "m365_e3_equivalent"]]})
    for command in (["validate"], ["solve"]):
        result = run_cli(*command, "bad.xlsx", "--json", cwd=tmp_path)
        assert result.returncode == 2
        payload = json.loads(result.stdout)
        assert payload == {"status": "error", "exit_code": 2, "issues": [
            {"file": "bad.xlsx", "sheet": "Groups", "row": 2, "column": "users",
             "message": "'lots' is not a whole number", "hint": None}]}
    missing = run_cli("audit", "nothing.xlsx", "--json", cwd=tmp_path)
    assert missing.returncode == 2
    assert json.loads(missing.stdout)["issues"][0]["file"] == "nothing.xlsx"
    usage = run_cli("solve", "bad.xlsx", "--at", "renwal", "--json", cwd=tmp_path)
    assert usage.returncode == 2
    assert json.loads(usage.stdout)["issues"][0]["hint"] == "did you mean 'renewal'?"


def test_validate_json(org, tmp_path):
    result = run_cli("validate", org.name, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (payload["status"], payload["groups"], payload["users"], payload["holdings"]) == (
        "ok", 5, 1085, 2)


def test_version(tmp_path):
    from importlib import metadata

    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"planner {metadata.version('planner')}"


# ------------------------------------------------------------------ messages and help

def test_misspelt_at_is_one_plain_line_with_did_you_mean(org, tmp_path):
    result = run_cli("solve", org.name, "--at", "renwal", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "Value error" not in line and "renwal" in line
    assert line.endswith("(did you mean 'renewal'?)")


def test_help_has_no_bool_metavars_or_braces(tmp_path):
    for command in (["--help"], ["solve", "--help"], ["validate", "--help"],
                    ["catalog", "--help"], ["audit", "--help"], ["roles", "plan", "--help"],
                    ["import", "--help"]):
        text = run_cli(*command, cwd=tmp_path).stdout
        assert text and "<bool>" not in text and "{" not in text, command
    assert "Usage: planner solve [OPTIONS] ORG.xlsx" in run_cli("solve", "--help",
                                                                cwd=tmp_path).stdout


def test_catalog_names_products_and_never_breaks_a_word_at_80_columns(tmp_path):
    from planner.catalog.view import catalog_tables

    result = run_cli("catalog", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    words = {w.strip(",;()*") for line in lines for w in line.split()}
    flowing = " ".join(result.stdout.split())
    products = catalog_tables()["products"]
    for r in products.itertuples(index=False):
        assert r.id in words, r.id  # whole, not folded over two lines
        assert r.name in flowing, r.name
    for capability in products["provides"].str.split(", ").explode().dropna().unique():
        assert capability in words, capability
    wide = run_cli("catalog", "--kind", "suite", cwd=tmp_path, env={"COLUMNS": "250"})
    assert "┃ name" in wide.stdout and "Microsoft 365 E3 " in wide.stdout


def test_catalog_kind_did_you_mean(tmp_path):
    result = run_cli("catalog", "--kind", "suit", cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result.stderr)[0].startswith(
        "unknown kind 'suit' (did you mean 'suite'? kinds: suite,")


# ------------------------------------------------------------------ audit

def test_audit_ids_are_case_insensitive(org, tmp_path):
    assert run_cli("solve", org.name, "--no-alternatives", cwd=tmp_path).returncode == 0
    plan = tmp_path / "tailspin-plan.xlsx"
    wb = openpyxl.load_workbook(plan)
    for ws, column in ((wb["Purchases"], 2), (wb["Assignments"], 3)):
        for row in ws.iter_rows(min_row=2):
            if isinstance(row[column - 1].value, str):
                row[column - 1].value = row[column - 1].value.upper()
    wb.save(plan)
    result = run_cli("audit", "tailspin.xlsx", "--plan", plan.name, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "compliant" in result.stdout


def test_audit_swapped_arguments_is_one_line(org, tmp_path):
    assert run_cli("solve", org.name, "--no-alternatives", cwd=tmp_path).returncode == 0
    result = run_cli("audit", "tailspin-plan.xlsx", "--plan", "tailspin.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        "tailspin.xlsx: the workbooks are the wrong way round: tailspin.xlsx is the "
        "organization and tailspin-plan.xlsx is the plan (run 'planner audit tailspin.xlsx "
        "--plan tailspin-plan.xlsx')"]
    alone = run_cli("audit", "tailspin.xlsx", cwd=tmp_path)
    assert error_lines(alone.stderr) == [
        "tailspin.xlsx: is an organization workbook, not a plan (run 'planner audit "
        "tailspin.xlsx --plan PLAN.xlsx')"]


def test_audit_arithmetic_names_the_cell_and_the_expected_value(org, tmp_path):
    assert run_cli("solve", org.name, "--no-alternatives", cwd=tmp_path).returncode == 0
    plan = tmp_path / "tailspin-plan.xlsx"
    wb = openpyxl.load_workbook(plan)
    ws = wb["Purchases"]
    header = [c.value for c in ws[1]]
    q, u, m = (header.index(c) + 1 for c in ("quantity", "unit_price", "monthly_cost"))
    quantity, price = ws.cell(2, q).value, ws.cell(2, u).value
    ws.cell(2, m).value = 1.0
    wb.save(plan)
    result = run_cli("audit", "tailspin-plan.xlsx", "--json", cwd=tmp_path)
    assert result.returncode == 1
    (bad,) = [v for v in json.loads(result.stdout)["violations"] if v["check"] == "arithmetic"]
    letter = openpyxl.utils.get_column_letter(m)
    assert bad["cell"] == f"Purchases!{letter}2"
    assert bad["detail"] == (f"monthly_cost is 1.00, expected {quantity:,g} x {price:,.2f} = "
                             f"{quantity * price:,.2f}")
    text = run_cli("audit", "tailspin-plan.xlsx", cwd=tmp_path).stdout
    assert f"tailspin-plan.xlsx, cell Purchases!{letter}2: arithmetic [" in text


# ------------------------------------------------------------------ CSV inputs

def _as_csv_folder(workbook, folder):
    folder.mkdir()
    wb = openpyxl.load_workbook(workbook, data_only=True)
    for title in ORG_SHEETS:
        with open(folder / f"{title}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            for row in wb[title].iter_rows(values_only=True):
                writer.writerow(["" if v is None else
                                 v.date().isoformat() if hasattr(v, "date") else v for v in row])


def test_a_folder_of_csv_files_plans_like_the_workbook(org, tmp_path):
    _as_csv_folder(org, tmp_path / "acme")
    before = {p.name: digest(p) for p in (tmp_path / "acme").iterdir()}
    from_csv = run_cli("solve", "acme", "--json", "--no-alternatives", cwd=tmp_path)
    from_xlsx = run_cli("solve", org.name, "--json", "--no-alternatives", cwd=tmp_path)
    assert from_csv.returncode == 0, from_csv.stdout + from_csv.stderr
    assert json.loads(from_csv.stdout)["annual_cost"] == json.loads(from_xlsx.stdout)["annual_cost"]
    assert (tmp_path / "acme-plan.xlsx").exists()
    assert {p.name: digest(p) for p in (tmp_path / "acme").iterdir()} == before
    audit = run_cli("audit", "acme-plan.xlsx", cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_csv_errors_name_file_row_and_column(org, tmp_path):
    folder = tmp_path / "acme"
    _as_csv_folder(org, folder)
    groups = (folder / "Groups.csv").read_text().splitlines()
    groups[2] = groups[2].replace(",50,", ",fifty,", 1)
    (folder / "Groups.csv").write_text("\n".join(groups) + "\n")
    result = run_cli("validate", "acme", cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        "Groups.csv, sheet Groups, row 3, column users: 'fifty' is not a whole number"]
    one = run_cli("validate", "acme/Groups.csv", cwd=tmp_path)
    assert error_lines(one.stderr) == error_lines(result.stderr)
    (tmp_path / "Staff.csv").write_text("group,users\nstaff,5\n")
    unnamed = run_cli("validate", "Staff.csv", cwd=tmp_path)
    assert unnamed.returncode == 2
    assert error_lines(unnamed.stderr) == [
        "Staff.csv: the file name names no sheet of the organization workbook (name it one of "
        "Organization.csv, Groups.csv, Holdings.csv, Prices.csv, Growth.csv)"]


# ------------------------------------------------------------------ roles

def test_roles_template_dates_are_recent_and_sources_have_no_internal_notes(tmp_path):
    assert run_cli("roles", "template", "roster.xlsx", "--kind", "roster",
                   cwd=tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "roster.xlsx")
    since = [r[3] for r in wb["Roster"].iter_rows(min_row=2, values_only=True)]
    assert all(0 < (date.today() - d.date()).days <= 100 for d in since)
    header = [c.value for c in wb["Sources"][1]]
    assert header == ["source", "title", "url", "date", "kind"]
    status = run_cli("roles", "status", "roster.xlsx", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "wrote roster-status.xlsx" in status.stderr and "wrote" not in status.stdout


def test_help_names_each_commands_default_solver(tmp_path):
    """``solve`` plans from arrays (HiGHS first); ``roles plan`` solves a PuLP problem (CBC)."""
    from planner.model.solver import DEFAULT_SOLVER, PULP_DEFAULT_SOLVER

    roles = run_cli("roles", "plan", "--help", cwd=tmp_path, env={"COLUMNS": "200"}).stdout
    solve = run_cli("solve", "--help", cwd=tmp_path, env={"COLUMNS": "200"}).stdout
    assert f"default: {PULP_DEFAULT_SOLVER}," in " ".join(roles.split())
    assert f"default: {DEFAULT_SOLVER} in process," in " ".join(solve.split())


# ------------------------------------------------------------------ netted purchases

@pytest.mark.parametrize("pool, expected", [(0, {"keep": 350, "buy": 250}),
                                            (100, {"keep": 450, "buy": 150})])
def test_renewal_nets_the_lines_of_a_product_and_still_passes_the_audit(tmp_path, pool,
                                                                        expected):
    """Held units assigned to a group are renewed, not dropped next to a purchase of the
    same product at the same price, and one product shows one line per action and price."""
    write_xlsx(tmp_path / "org.xlsx", {
        "Organization": [["field", "value"], ["agreement", "EA"], ["as_of", "2026-11-23"],
                         ["renewal_date", "2027-06-30"]],
        "Groups": [["group", "users", "devices_per_user", "primary_device", "needs"],
                   ["staff", 400, 1, "windows_enterprise", "m365_e3_equivalent"],
                   ["ops", 200, 1, "windows_enterprise", "m365_e3_equivalent"]],
        "Holdings": [["product", "quantity", "group", "sa", "ends"],
                     ["m365_e3", 350, "staff", "Y", "2027-06-30"]]
        + ([["m365_e3", pool, None, "Y", "2027-06-30"]] if pool else [])})
    result = run_cli("solve", "org.xlsx", "--at", "renewal", "--json", "--no-alternatives",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [(p["action"], p["product"], p["quantity"], p["unit_price"])
             for p in json.loads(result.stdout)["purchases"]]
    assert len({(a, p, u) for a, p, _, u in lines}) == len(lines)
    actions = {a: q for a, p, q, _ in lines if p == "m365_e3"}
    assert actions == expected
    audit = run_cli("audit", "org-plan-renewal.xlsx", cwd=tmp_path)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_batch_keeps_an_edited_output_unless_force(tmp_path):
    small_org(tmp_path / "org.xlsx")
    first = run_cli("batch", "org.xlsx", "--out", "out", "--engine", "serial", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    again = run_cli("batch", "org.xlsx", "--out", "out", "--engine", "serial", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # its own outputs, unchanged: replaced
    plan = tmp_path / "out" / "org-plan.xlsx"
    plan.write_bytes(plan.read_bytes() + b"edited")
    kept = run_cli("batch", "org.xlsx", "--out", "out", "--engine", "serial", cwd=tmp_path)
    assert kept.returncode == 2
    assert error_lines(kept.stderr) == [
        "org-plan.xlsx: was changed since planner wrote it; kept (pass --force to replace "
        "it, or choose another folder with --out)"]  # batch has no -o
    forced = run_cli("batch", "org.xlsx", "--out", "out", "--engine", "serial", "--force",
                     cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


def test_batch_never_takes_a_renewal_plan_for_an_input(tmp_path):
    (tmp_path / "in").mkdir()
    small_org(tmp_path / "in" / "org.xlsx")
    assert run_cli("solve", "in/org.xlsx", "--at", "renewal", "--no-alternatives",
                   cwd=tmp_path).returncode == 0
    result = run_cli("batch", "in", "--out", "out", "--engine", "serial", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "planned 1 of 1 workbook" in result.stderr.splitlines()  # singular, 1 input


def test_doctests_of_the_cli_helpers():
    import doctest

    import planner.cli.support

    failures, tried = doctest.testmod(planner.cli.support)
    assert tried >= 2 and failures == 0
