"""planner batch: a folder of the six scenarios plus a broken workbook, on the local pool."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from conftest import SIX, copy_scenarios
from rich.console import Console
from typer.testing import CliRunner

import planner
from planner.batch import SUMMARY_COLUMNS, LocalEngine, exit_code, run
from planner.batch.fields import failure_values, plan_values
from planner.batch.progress import Reporter
from planner.batch.sources import find_sources
from planner.cli.commands import app
from planner.errors import InputError, NoCompliantPlan, Shortfall
from planner.report.excel import read_plan

runner = CliRunner()


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.xlsx")}


@pytest.fixture(scope="module")
def batch(scenario_folder, tmp_path_factory):
    """The folder planned once on a 2-worker local pool: (table, output folder, digests)."""
    before = digests(scenario_folder)
    out = tmp_path_factory.mktemp("batch-out")
    table = run([scenario_folder], out, engine=LocalEngine(2))
    return table, out, before


def test_six_planned_and_the_broken_one_named(batch, scenario_folder):
    table, _, _ = batch
    assert list(table.columns) == SUMMARY_COLUMNS
    assert table["file"].tolist() == sorted([f"{n}.xlsx" for n in SIX] + ["broken.xlsx"])
    planned = table[table["file"] != "broken.xlsx"]
    assert (planned["status"] == "optimal").all() and (planned["exit_code"] == 0).all()
    assert planned["error"].isna().all()
    for row in planned.itertuples():
        plan = planner.plan(planner.read_org(scenario_folder / row.file), alternatives=False)
        assert row.organization == plan.organization
        assert row.annual_cost == pytest.approx(plan.annual_cost)
        assert row.baseline_annual_cost == pytest.approx(plan.baseline_annual_cost)
        assert row.savings == pytest.approx(plan.savings)
        assert row.optimality_gap == plan.gap
    broken = table.set_index("file").loc["broken.xlsx"]
    assert broken["status"] == "error" and broken["exit_code"] == 2
    assert pd.isna(broken["annual_cost"]) and pd.isna(broken["plan_file"])
    assert exit_code(table) == 2


def test_the_broken_row_says_what_planner_solve_says(batch, scenario_folder, tmp_path):
    table, _, _ = batch
    copy = tmp_path / "broken.xlsx"
    shutil.copy(scenario_folder / "broken.xlsx", copy)
    solved = runner.invoke(app, ["solve", str(copy)])
    assert solved.exit_code == 2
    lines = solved.stderr.strip().splitlines()
    assert lines and "broken.xlsx, sheet Groups, row" in lines[0]
    assert table.set_index("file").loc["broken.xlsx", "error"] == " | ".join(lines)


def test_outputs_per_input_and_the_summary_files(batch, scenario_folder):
    table, out, before = batch
    for row in table[table["exit_code"] == 0].itertuples():
        sheets = read_plan(out / row.plan_file)
        assert {"Summary", "Purchases", "Assignments"} <= set(sheets)
        result = json.loads((out / row.result_file).read_text())
        assert result["status"] == "optimal" and result["annual_cost"] == row.annual_cost
        assert Path(result["plan_file"]) == out / row.plan_file
        assert Path(result["input_file"]) == scenario_folder / row.file
        assert {"purchases", "assignments", "compliant"} <= set(result)  # solve --json
    assert not (out / "broken-plan.xlsx").exists() and not (out / "broken-plan.json").exists()
    csv = pd.read_csv(out / "batch-summary.csv")
    assert csv["file"].tolist() == table["file"].tolist()
    assert csv["status"].tolist() == table["status"].tolist()
    ws = openpyxl.load_workbook(out / "batch-summary.xlsx")["Summary"]
    assert [c.value for c in ws[1]] == SUMMARY_COLUMNS
    assert ws.max_row == len(table) + 1
    assert digests(scenario_folder) == before  # inputs untouched
    assert not list(out.glob(".*.tmp"))  # no temporary file left behind


def test_results_do_not_depend_on_the_engine(batch, scenario_folder):
    table, _, _ = batch
    serial = run([scenario_folder], engine="serial")
    same = [c for c in SUMMARY_COLUMNS if c not in ("seconds", "plan_file", "result_file")]
    pd.testing.assert_frame_equal(serial[same], table[same])


def test_resume_skips_inputs_whose_result_is_newer(tmp_path):
    inputs = copy_scenarios(tmp_path / "in", names=("litware", "trey_research"))
    out = tmp_path / "out"
    first = run([inputs], out, engine="serial")
    again = run([inputs], out, engine="serial", resume=True)
    assert again["resumed"].tolist() == [False, True, True]  # broken, litware, trey
    keep = [c for c in SUMMARY_COLUMNS if c != "resumed"]
    pd.testing.assert_frame_equal(again.loc[1:, keep], first.loc[1:, keep], check_dtype=False)
    later = (out / "litware-plan.json").stat().st_mtime + 10
    os.utime(inputs / "litware.xlsx", (later, later))
    third = run([inputs], out, engine="serial", resume=True)
    assert third.set_index("file")["resumed"].to_dict() == {
        "broken.xlsx": False, "litware.xlsx": False, "trey_research.xlsx": True}
    with pytest.raises(InputError, match="give --out"):
        run([inputs], resume=True)


def test_a_write_failure_fails_that_input_only(tmp_path, monkeypatch):
    inputs = copy_scenarios(tmp_path / "in", names=("litware", "trey_research"), broken=False)
    import planner.batch.runner as runner_module

    real = runner_module.write_bytes

    def full_disk(data, path, inputs=()):
        if "litware" in str(path):
            raise OSError(28, "No space left on device", str(path))
        return real(data, path, inputs)

    monkeypatch.setattr(runner_module, "write_bytes", full_disk)
    table = run([inputs], tmp_path / "out", engine="serial").set_index("file")
    assert table.loc["litware.xlsx", "error"] == "litware-plan.xlsx: No space left on device"
    assert table.loc["litware.xlsx", "exit_code"] == 2
    assert table.loc["trey_research.xlsx", "status"] == "optimal"
    assert not (tmp_path / "out" / "litware-plan.json").exists()


def test_folders_are_searched_and_outputs_mirror_them(tmp_path):
    root = tmp_path / "customers"
    copy_scenarios(root / "acme", names=("litware",), broken=False)
    copy_scenarios(root / "globex", names=("litware",), broken=False)
    (root / "acme" / "~$litware.xlsx").write_bytes(b"lock")
    (root / "acme" / "litware-plan.xlsx").write_bytes(b"old plan")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.xlsx").write_bytes(b"")
    out = root / "plans"  # inside the searched folder: never an input
    out.mkdir()
    (out / "old.xlsx").write_bytes(b"")
    names = [s.name for s in find_sources([root], out)]
    assert names == ["acme/litware.xlsx", "globex/litware.xlsx"]
    table = run([root], out, engine="serial")
    assert table["plan_file"].tolist() == ["acme/litware-plan.xlsx", "globex/litware-plan.xlsx"]
    assert (out / "globex" / "litware-plan.json").exists()


def test_bad_paths_and_clashing_outputs_are_refused_up_front(tmp_path):
    a = copy_scenarios(tmp_path / "a", names=("litware",), broken=False)
    b = copy_scenarios(tmp_path / "b", names=("litware",), broken=False)
    with pytest.raises(InputError) as err:
        run([a / "litware.xlsx", b / "litware.xlsx", tmp_path / "missing.xlsx",
             tmp_path / "empty"], tmp_path / "out")
    lines = err.value.lines()
    assert any("missing.xlsx: file or folder not found" in line for line in lines)
    assert any("would write the same outputs as" in line for line in lines)
    shutil.copy(a / "litware.xlsx", a / "x.xlsx")
    shutil.copy(a / "litware.xlsx", a / "x-plan.xlsx")
    with pytest.raises(InputError, match="would overwrite the input"):
        run([a / "x.xlsx", a / "x-plan.xlsx"], a)
    assert not (tmp_path / "out").exists()


def test_cli_batch_prints_a_line_per_input_when_piped(tmp_path):
    inputs = copy_scenarios(tmp_path / "in", names=("trey_research",))
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(inputs), "--out", str(out), "--engine", "serial"])
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("[1/2] broken.xlsx: error: broken.xlsx, sheet Groups, row")
    assert lines[1].startswith("[2/2] trey_research.xlsx: optimal, annual cost ")
    assert "planned 1 of 2 workbooks; 1 without a proven plan: broken.xlsx" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert (out / "batch-summary.xlsx").exists() and (out / "batch-summary.csv").exists()
    result = runner.invoke(app, ["batch", str(inputs / "trey_research.xlsx"), "--out", str(out),
                                 "--engine", "serial", "--resume"])
    assert result.exit_code == 0 and "1 unchanged since the last run" in result.stderr
    result = runner.invoke(app, ["batch", str(inputs), "--out", str(out), "--address", "auto"])
    assert result.exit_code == 2 and "needs --engine ray" in result.stderr


def test_progress_is_a_bar_on_a_terminal_and_lines_when_piped():
    screen = io.StringIO()
    with Reporter(2, "planning", console=Console(file=screen, force_terminal=True,
                                                 width=100)) as bar:
        bar.advance(1, "a.xlsx: optimal")
        bar.advance(1, "b.xlsx: error: bad", problem=True)
    shown = screen.getvalue()
    assert "planning" in shown and "2/2" in shown and "b.xlsx: error: bad" in shown
    assert "a.xlsx" not in shown and "[1/2]" not in shown
    piped = io.StringIO()
    with Reporter(2, "planning", console=Console(file=piped, force_terminal=False)) as bar:
        bar.advance(1, "a.xlsx: optimal")
        bar.advance(1, "b.xlsx: error: bad", problem=True)
    assert piped.getvalue().splitlines() == ["[1/2] a.xlsx: optimal", "[2/2] b.xlsx: error: bad"]


def test_summary_columns_fill_in_from_plan_fields_when_they_exist():
    newer = SimpleNamespace(status="optimal", annual_cost=10.0, baseline_annual_cost=12.0,
                            savings=2.0, gap=0.0, current_annual_cost=11.0,
                            compliance_gap_annual_cost=1.0, users_uncovered=3,
                            groups_not_robust=1, messages=["note"])
    values = plan_values(newer)
    assert values["current_annual_cost"] == 11.0
    assert values["gap_cure_annual_cost"] == 1.0 and values["users_uncovered"] == 3
    assert values["groups_not_robust"] == 1
    assert values["notes"] == "note" and values["exit_code"] == 0
    older = SimpleNamespace(status="feasible", annual_cost=10.0, gap=0.1)
    values = plan_values(older)
    assert values["current_annual_cost"] is None and values["gap_cure_annual_cost"] is None
    assert values["exit_code"] == 3  # time limit reached, as planner solve
    failed = failure_values(NoCompliantPlan([Shortfall("g", "copilot", "not sold")]))
    assert failed["status"] == "infeasible" and failed["exit_code"] == 1
    assert failed["error"] == "group 'g' cannot be licensed for 'copilot': not sold"
    bug = failure_values(KeyError("x"))
    assert bug["exit_code"] == 4 and bug["error"].startswith("internal error: KeyError")


def test_installed_console_script_runs_a_batch_on_the_local_pool(tmp_path):
    inputs = copy_scenarios(tmp_path / "in", names=("litware", "trey_research"))
    exe = shutil.which("planner") or str(Path(sys.executable).with_name("planner"))
    proc = subprocess.run([exe, "batch", str(inputs), "--out", str(tmp_path / "out"),
                           "--workers", "2"], check=False, capture_output=True, text=True,
                          timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2, proc.stderr
    assert "planned 2 of 3 workbooks; 1 without a proven plan: broken.xlsx" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    summary = pd.read_csv(tmp_path / "out" / "batch-summary.csv")
    assert summary["status"].tolist() == ["error", "optimal", "optimal"]


def test_batch_plans_timelines_with_their_totals(tmp_path, scenario_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("trey_research", "alpine_ski_house"):
        shutil.copy(scenario_path(name), inputs / f"{name}.xlsx")
    table = run([inputs], tmp_path / "out", engine="serial", at="timeline").set_index("file")
    for name in ("trey_research", "alpine_ski_house"):
        row = table.loc[f"{name}.xlsx"]
        timeline = planner.plan(planner.read_org(inputs / f"{name}.xlsx"), at="timeline", chained=False).timeline
        assert row["status"] == "optimal"
        assert row["periods"] == len(timeline.periods)
        assert row["total_cost"] == pytest.approx(timeline.total_cost)
    result = json.loads((tmp_path / "out" / "trey_research-plan.json").read_text())
    assert [p["at"] for p in result["periods"]] == ["now", "renewal"]
