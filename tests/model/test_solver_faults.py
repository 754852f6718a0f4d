"""Solver faults, infeasible organizations and output safety, through the CLI.

- ``--time-limit`` reached: the best plan found with its gap and exit 3; no plan found in
  time: one clear line.
- A solver missing or crashing: a clear message and the other solver's plan.
- No compliant plan: exit 1 naming group, need, reason and the closest fix.
- Output: never over the input; an existing plan replaced only whole.
"""
from __future__ import annotations

import json

import hashlib
import importlib
import os
import sys
from pathlib import Path

import pulp
import pytest


# The modules themselves (the package exports functions of the same names).
solve_module = importlib.import_module("planner.model.solver")
pipeline_module = importlib.import_module("planner.pipeline")
aggregate_module = importlib.import_module("planner.model.aggregate")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import make_bad_inputs as mk  # noqa: E402

sys.path.pop(0)
from support import error_lines, invoke, run_cli  # noqa: E402
from fault_harness import many_groups  # noqa: E402


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()



@pytest.fixture
def org(tmp_path) -> Path:
    """The corpus' base workbook: valid and solvable in a fraction of a second."""
    path = tmp_path / "org.xlsx"
    path.write_bytes(mk.xlsx())
    return path


# ------------------------------------------------------------------ time limit

def _with_time_limit(monkeypatch, seconds: float) -> None:
    """Make every solver run with ``seconds`` (below the CLI's 0.1 s minimum)."""
    real = solve_module._make
    monkeypatch.setattr(solve_module, "_make", lambda name, limit: real(name, seconds))


def test_time_limit_stop_reports_gap_or_says_no_plan(tmp_path, monkeypatch):
    """A real solver stopped by a tiny time limit on a 120-group organization.

    Depending on how far the solver got, the result is the best plan found with its gap
    (exit 3, plan written) or a clear 'no plan within the time limit' (exit 2). Never a
    traceback, never an unexplained failure.
    """
    path = tmp_path / "big.xlsx"
    path.write_bytes(mk.xlsx(many_groups()))
    _with_time_limit(monkeypatch, 0.001)
    # Merged alike groups make this model small enough to solve within any limit; unmerged,
    # it is large enough for the limit to bite.
    monkeypatch.setattr(aggregate_module, "alike_groups", lambda m: aggregate_module.Reduction(
        m.options, [[gi] for gi in range(len(m.options.groups))]))
    result = invoke("solve", path.name, "--no-alternatives", "--time-limit", "0.1", cwd=tmp_path)
    assert "Traceback" not in result.output
    if result.exit_code == 3:
        assert "time limit reached: best plan found, gap" in result.stderr
        assert (tmp_path / "big-plan.xlsx").exists()
    else:
        assert result.exit_code == 2, result.output
        assert error_lines(result.stderr) == [
            "big.xlsx: no plan found within the time limit of 0.1 s by any solver; "
            "raise --time-limit"]
        assert not (tmp_path / "big-plan.xlsx").exists()


def test_time_limit_with_a_feasible_plan_exits_3_with_gap(org, monkeypatch):
    """The solver stopped at its limit holding a plan: exit 3, plan written, gap shown.

    HiGHS finishes small models before any limit it accepts, so the stop is simulated at
    the one place the solver outcome is read: its solution status and gap.
    """
    real = solve_module.solve_model

    def stopped(m, solver="highs", time_limit=None):
        outcome = real(m, solver, time_limit)
        outcome.status, outcome.gap = "feasible", 0.0421
        return outcome

    monkeypatch.setattr(pipeline_module, "solve_model", stopped)
    result = invoke("solve", org.name, "--no-alternatives", "--time-limit", "5", "--json",
                    cwd=org.parent)
    assert result.exit_code == 3, result.output
    assert "time limit reached: best plan found, gap 0.0421" in result.stderr
    assert '"status": "feasible"' in result.stdout and '"gap": 0.0421' in result.stdout
    assert (org.parent / "org-plan.xlsx").exists()


def test_time_limit_through_the_installed_cli(tmp_path):
    """The flag reaches the solver: a small org solves within a generous limit (exit 0)."""
    (tmp_path / "org.xlsx").write_bytes(mk.xlsx())
    result = run_cli("solve", "org.xlsx", "--no-alternatives", "--time-limit", "30",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ missing or crashing

def test_missing_default_solver_falls_back_with_one_warning(org, monkeypatch):
    """Issue 20 defect 4: the fallback used to be silent; now one warning gives the reason."""
    real = solve_module._make

    def make(name, time_limit):
        if name == solve_module.DEFAULT_SOLVER:
            raise solve_module.SolverError(f"solver '{name}' is not installed")
        return real(name, time_limit)

    monkeypatch.setattr(solve_module, "_make", make)
    result = invoke("solve", org.name, "--no-alternatives", "--json", cwd=org.parent)
    assert result.exit_code == 0, result.output
    other = next(s for s in solve_module.SOLVERS if s != solve_module.DEFAULT_SOLVER)
    warnings = [line for line in result.stderr.splitlines()
                if line.startswith("warning:") and "solve" in line]
    assert warnings == [f"warning: solver '{solve_module.DEFAULT_SOLVER}' is not installed; "
                        f"solved with '{other}' instead"]
    assert '"status": "optimal"' in result.stdout


@pytest.mark.parametrize("chosen", ["highs", "cbc"])
def test_an_explicit_solver_never_falls_back(org, monkeypatch, chosen):
    real = solve_module._make

    def make(name, time_limit):
        if name == chosen:
            raise solve_module.SolverError(f"solver '{name}' is not installed")
        return real(name, time_limit)

    monkeypatch.setattr(solve_module, "_make", make)
    result = invoke("solve", org.name, "--no-alternatives", "--solver", chosen, cwd=org.parent)
    assert result.exit_code == 2, result.output
    assert error_lines(result.stderr) == [
        f"solver '{chosen}' is not installed (no other solver is tried when one is chosen "
        "with --solver)"]
    assert not (org.parent / "org-plan.xlsx").exists()


@pytest.mark.parametrize("at, crashing, other", [("now", "highs", "cbc"), ("timeline", "cbc", "highs")])
def test_a_crashing_default_solver_falls_back_to_the_other(org, monkeypatch, at, crashing, other):
    """A plan's model goes to HiGHS first, the timeline's PuLP problem to CBC first."""
    def boom(self, *args):
        raise OSError(f"{crashing} binary missing")

    if crashing == "highs":
        monkeypatch.setattr(solve_module.LpFirst, "solve", boom)  # both HiGHS paths run it
    else:
        monkeypatch.setattr(pulp.PULP_CBC_CMD, "actualSolve", boom)
    result = invoke("solve", org.name, "--at", at, "--no-alternatives", "--json", cwd=org.parent)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "solved with" in line]
    assert warnings == [f"warning: solver '{crashing}' failed (OSError: {crashing} binary missing); "
                        f"solved with '{other}' instead"]


def test_crashing_highs_chosen_is_one_clear_line(org, monkeypatch):
    def boom(self, *args):
        raise RuntimeError("segfault simulated")

    monkeypatch.setattr(solve_module.LpFirst, "solve", boom)  # both HiGHS paths run it
    result = invoke("solve", org.name, "--no-alternatives", "--solver", "highs", "--json",
                    cwd=org.parent)
    assert result.exit_code == 2, result.output
    payload = json.loads(result.stdout)  # with --json the error is JSON on stdout
    assert payload["status"] == "error" and payload["exit_code"] == 2
    assert [i["message"] for i in payload["issues"]] == [
        "solver 'highs' failed (RuntimeError: segfault simulated) (no other solver is tried "
        "when one is chosen with --solver)"]
    assert error_lines(result.stderr) == []


def test_every_solver_failing_is_one_clear_line(org, monkeypatch):
    def boom(self, *args):
        raise RuntimeError("no licence")

    monkeypatch.setattr(solve_module.LpFirst, "solve", boom)  # both HiGHS paths run it
    monkeypatch.setattr(pulp.PULP_CBC_CMD, "actualSolve", boom)
    before = digest(org)
    result = invoke("solve", org.name, "--no-alternatives", cwd=org.parent)
    assert result.exit_code == 2
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("no solver could solve the model")
    assert "Traceback" not in result.output
    assert digest(org) == before and sorted(os.listdir(org.parent)) == ["org.xlsx"]


# ------------------------------------------------------------------ infeasible

def test_infeasible_org_names_group_need_reason_and_fix(tmp_path):
    """Windows Enterprise per user needs a qualifying primary device: none here."""
    sheets = mk.with_rows("Groups", ["kiosk", 4, "information", 1, "none",
                                     "m365_e3_equivalent"])
    org = tmp_path / "org.xlsx"
    org.write_bytes(mk.xlsx(sheets))
    before = digest(org)
    result = run_cli("solve", org.name, "--no-alternatives", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr)
    assert lines, result.stderr
    assert all(line.startswith("group 'kiosk' cannot be licensed for ") for line in lines)
    we = [line for line in lines if "for 'windows_enterprise'" in line]
    assert we and "needs a qualifying OS" in we[0]
    assert "closest fix: give the users a Windows Pro primary device" in we[0]
    assert digest(org) == before and sorted(os.listdir(tmp_path)) == ["org.xlsx"]


def test_frontline_only_need_for_office_workers_names_the_fix(tmp_path):
    sheets = mk.with_cell("Groups", 2, "needs", "frontline_basic")
    sheets["Groups"][1][sheets["Groups"][0].index("primary_device")] = "none"
    sheets["Groups"][1][sheets["Groups"][0].index("devices_per_user")] = 9
    org = tmp_path / "org.xlsx"
    org.write_bytes(mk.xlsx(sheets))
    result = invoke("solve", org.name, "--no-alternatives", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.output  # feasible with full USLs is fine too
    if result.exit_code == 1:
        assert all("group 'staff' cannot be licensed for" in line
                   for line in error_lines(result.stderr))


# ------------------------------------------------------------------ output safety

@pytest.mark.parametrize("target", ["org.xlsx", "./org.xlsx", "sub/../org.xlsx"])
def test_output_over_the_input_is_refused(org, target):
    (org.parent / "sub").mkdir()
    before = digest(org)
    result = invoke("solve", org.name, "-o", target, "--no-alternatives", cwd=org.parent)
    assert result.exit_code == 2
    assert error_lines(result.stderr) == [
        "org.xlsx: refusing to write the plan over the input file "
        "(choose another name with -o)"]
    assert digest(org) == before


def test_output_over_the_input_through_a_symlink_is_refused(org):
    link = org.parent / "link.xlsx"
    link.symlink_to(org)
    before = digest(org)
    result = invoke("solve", org.name, "-o", "link.xlsx", "--no-alternatives", cwd=org.parent)
    assert result.exit_code == 2
    assert digest(org) == before


def test_existing_plan_is_replaced_only_whole(org, monkeypatch):
    """A write that fails midway leaves the old plan as it was and no temp file."""
    from openpyxl.writer.excel import ExcelWriter

    plan = org.parent / "org-plan.xlsx"
    plan.write_bytes(b"the previous plan")
    real_write = ExcelWriter.write_data

    def half_then_fail(self):
        real_write(self)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ExcelWriter, "write_data", half_then_fail)
    result = invoke("solve", org.name, "--no-alternatives", "--force", cwd=org.parent)
    assert result.exit_code == 2, result.output
    lines = error_lines(result.stderr)
    assert lines == ["org-plan.xlsx: cannot write the file: No space left on device "
                     "(nothing was written; an existing file is unchanged)"]
    assert "Traceback" not in result.output
    assert plan.read_bytes() == b"the previous plan"
    assert sorted(os.listdir(org.parent)) == ["org-plan.xlsx", "org.xlsx"]


def test_existing_plan_is_replaced_when_the_write_succeeds(org):
    plan = org.parent / "org-plan.xlsx"
    plan.write_bytes(b"the previous plan")  # not planner's: replaced only with --force
    result = invoke("solve", org.name, "--no-alternatives", cwd=org.parent)
    assert result.exit_code == 2 and "pass --force" in result.stderr
    assert plan.read_bytes() == b"the previous plan"
    result = invoke("solve", org.name, "--no-alternatives", "--force", cwd=org.parent)
    assert result.exit_code == 0, result.output
    assert plan.read_bytes()[:2] == b"PK"
    assert sorted(os.listdir(org.parent)) == ["org-plan.xlsx", "org.xlsx"]


def test_unreadable_input_is_one_line(org):
    org.chmod(0)
    try:
        if os.access(org, os.R_OK):
            pytest.skip("running as a user who can read any file")
        result = invoke("solve", org.name, "--no-alternatives", cwd=org.parent)
    finally:
        org.chmod(0o644)
    assert result.exit_code == 2
    assert error_lines(result.stderr) == ["org.xlsx: cannot read the file: Permission denied"]


def test_missing_output_folder_is_one_line(org):
    result = invoke("solve", org.name, "-o", "nowhere/plan.xlsx", "--no-alternatives",
                    cwd=org.parent)
    assert result.exit_code == 2
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and "does not exist" in lines[0]


# ------------------------------------------------------------------ one deadline, the 40-group default

def test_a_spent_deadline_stops_before_solving(org):
    from planner.input.validate import read_org
    from planner.model.deadline import Deadline, DeadlineReached

    spent = Deadline(1.0, start=0.0)  # began long ago on the monotonic clock
    assert spent.expired() and spent.remaining() == 0.0
    assert Deadline(None).limit_for_solve() is None
    with pytest.raises(DeadlineReached, match="ran out before solving"):
        pipeline_module.plan(read_org(org), time_limit=0)  # 0 s: spent at once


def test_the_alternatives_default_respects_the_40_group_limit(tmp_path):
    """Issue 14: --alternatives defaulted to true and overrode the limit (an hour on 2,000 groups)."""
    path = tmp_path / "big.xlsx"
    path.write_bytes(mk.xlsx(many_groups(pipeline_module.ALTERNATIVES_LIMIT + 1)))
    result = invoke("solve", path.name, "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert ("warning: alternatives skipped: more than 40 groups (pass --alternatives, or "
            "alternatives=True, to compute them)") in result.stderr


def test_a_roles_plan_fallback_is_one_warning(tmp_path, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "People"
    for row in (["person", "email", "tasks", "current_roles"],
                ["Ana", "ana@contoso.com", "view_invoices", ""]):
        wb.active.append(row)
    wb.save(tmp_path / "people.xlsx")

    def boom(self, *args):
        raise OSError("cbc binary missing")

    monkeypatch.setattr(pulp.PULP_CBC_CMD, "actualSolve", boom)
    result = invoke("roles", "plan", "people.xlsx", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: solver 'cbc' failed (OSError: cbc binary missing); solved with 'highs' instead"]
