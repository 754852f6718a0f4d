"""One deadline for a whole ``planner batch`` run, and the --force hint, through the console script."""
from __future__ import annotations

import csv

from conftest import copy_scenarios
from support import run_cli


def _summary(out):
    with open(out / "batch-summary.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_time_limit_covers_the_whole_batch_and_names_the_skipped_workbooks(tmp_path):
    """Issue 20, defect 3: --time-limit was per workbook. Once it runs out the workbooks
    not started are skipped (status, exit code 3, counted on stderr); the rows finished
    before are kept and the summary is written."""
    inputs = copy_scenarios(tmp_path / "in", broken=False)
    out = tmp_path / "out"
    result = run_cli("batch", str(inputs), "--out", str(out), "--engine", "serial",
                     "--time-limit", "0.1", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    rows = _summary(out)
    assert len(rows) == 6
    skipped = [r for r in rows if r["status"] == "skipped"]
    started = [r for r in rows if r["status"] != "skipped"]
    assert started and skipped, [(r["file"], r["status"]) for r in rows]
    assert all(r["exit_code"] == "3" and "time limit reached" in r["error"] for r in skipped)
    assert f"{len(skipped)} skipped (the time limit of 0.1 s ran out)" in result.stderr
    assert not any((out / r["plan_file"]).exists() for r in skipped if r["plan_file"])


def test_without_a_time_limit_nothing_is_skipped(tmp_path):
    """The same batch with no limit plans every workbook."""
    inputs = copy_scenarios(tmp_path / "in", names=("trey_research", "litware"), broken=False)
    out = tmp_path / "out"
    result = run_cli("batch", str(inputs), "--out", str(out), "--engine", "serial", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {r["status"] for r in _summary(out)} == {"optimal"}
    assert "skipped" not in result.stderr


def test_the_batch_force_hint_names_the_out_option(tmp_path):
    """The refusal to replace a foreign file named -o, which batch does not have."""
    inputs = copy_scenarios(tmp_path / "in", names=("trey_research",), broken=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "batch-summary.csv").write_text("not planner's\n")
    result = run_cli("batch", str(inputs), "--out", str(out), "--engine", "serial", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "choose another folder with --out" in result.stderr
    assert "-o)" not in result.stderr and "-o " not in result.stderr


def test_the_time_limit_covers_the_whole_sweep_and_counts_the_skipped_draws(tmp_path):
    """Issue 20, defect 3 for `planner sweep`: draws of chunks not started once the run's
    time limit is spent are skipped (status, exit code 3, counted on stderr); the table
    is still written."""
    from test_batch_sweep import SPEC_YAML

    from planner.examples import write_example

    org = write_example("tiny", tmp_path / "tiny.xlsx")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC_YAML)
    out = tmp_path / "sweep"
    result = run_cli("sweep", str(org), str(spec), "--draws", "40", "--seed", "3", "--out", str(out),
                     "--engine", "serial", "--time-limit", "0.1", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    with open(out / "draws.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40
    skipped = [r for r in rows if r["status"] == "skipped"]
    assert 0 < len(skipped) < 40, result.stderr
    assert all(r["exit_code"] == "3" and not r["annual_cost"] for r in skipped)
    assert f"{len(skipped)} skipped (the time limit of 0.1 s ran out)" in result.stderr
