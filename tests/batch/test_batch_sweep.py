"""planner sweep: the same seed gives the same draws and results on every engine."""
from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.batch import LocalEngine, monte_carlo
from planner.batch.sweep_report import histogram, percentiles
from planner.cli.commands import app
from planner.examples import tiny_org, write_example

runner = CliRunner()

SPEC = {
    "discount_pct": {"dist": "triangular", "low": 0, "mode": 5, "high": 20},
    "prices": {"m365_e5": {"change_pct": {"dist": "uniform", "low": -5, "high": 15}}},
    "growth": {"office": {"dist": "choice", "values": [0, 0.1, 0.2]},
               "*": {"dist": "normal", "mean": 0.0, "sd": 0.1, "min": -0.2, "max": 0.2}},
    "adoption": [{"group": "office", "share": {"dist": "beta", "a": 2, "b": 3},
                  "add_needs": ["copilot"]},
                 {"group": "analysts", "share": {"dist": "uniform", "low": 0, "high": 1},
                  "add_needs": ["agent_governance"], "name": "analysts_agents"}],
}

SPEC_YAML = """\
discount_pct: {dist: uniform, low: 0, high: 15}
prices:
  copilot:
    unit_price: {dist: uniform, low: 24, high: 33}
adoption:
  - group: office
    share: {dist: beta, a: 2, b: 3}
    add_needs: [copilot]
"""


def without_time(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns="seconds")


def test_same_seed_same_results_on_every_engine_and_worker_count():
    org = tiny_org()
    serial = monte_carlo(org, SPEC, draws=8, seed=7, engine="serial", at="renewal")
    assert (serial["status"] == "optimal").all()
    assert serial["annual_cost"].nunique() == 8  # every draw is a different plan
    with LocalEngine(2) as pool:
        local = monte_carlo(org, SPEC, draws=8, seed=7, engine=pool, at="renewal")
        one_by_one = monte_carlo(org, SPEC, draws=8, seed=7, engine=pool, at="renewal",
                                 chunk_size=1)
    pd.testing.assert_frame_equal(without_time(local), without_time(serial))
    pd.testing.assert_frame_equal(without_time(one_by_one), without_time(serial))
    other = monte_carlo(org, SPEC, draws=8, seed=8, engine="serial", at="renewal")
    assert not other["annual_cost"].equals(serial["annual_cost"])
    assert serial.attrs["seed"] == 7 and serial.attrs["organization"] == "Tiny example"


def test_a_draw_without_a_plan_is_a_row_not_an_error():
    spec = {"adoption": [{"group": "store", "share": {"dist": "uniform", "low": 0.1, "high": 1},
                          "add_needs": ["windows_enterprise"]}],
            "discount_pct": {"dist": "uniform", "low": 0, "high": 5}}
    table = monte_carlo(tiny_org(), spec, draws=2, seed=0, engine="serial")
    assert table["status"].tolist() == ["infeasible", "infeasible"]
    assert table["exit_code"].tolist() == [1, 1]
    assert table["error"].str.startswith("group 'store_adopters' cannot be licensed").all()
    assert table["annual_cost"].isna().all()


def test_cli_sweep_writes_the_draws_and_the_summary_workbook(tmp_path):
    org = write_example("tiny", tmp_path / "tiny.xlsx")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC_YAML)
    out = tmp_path / "sweep"
    result = runner.invoke(app, ["sweep", str(org), str(spec), "--draws", "12", "--seed", "3",
                                 "--out", str(out), "--engine", "serial", "--at", "renewal"])
    assert result.exit_code == 0, result.stderr
    assert "12 draws: 12 planned" in result.stderr and "annual cost P5 " in result.stderr
    assert result.stderr.splitlines()[0] == "[2/12] draws 0-1: 2 planned"  # piped: lines
    draws = pd.read_csv(out / "draws.csv")
    assert len(draws) == 12 and draws["draw"].tolist() == list(range(12))
    assert list(draws.columns[:4]) == ["draw", "discount_pct", "prices.copilot.unit_price",
                                       "adoption.office_adopters.share"]
    api = monte_carlo(org, spec, draws=12, seed=3, engine="serial", at="renewal")
    assert np.allclose(draws["annual_cost"], api["annual_cost"])
    assert openpyxl.load_workbook(out / "draws.xlsx")["Draws"].max_row == 13
    wb = openpyxl.load_workbook(out / "sweep-summary.xlsx")
    assert wb.sheetnames == ["Summary", "Percentiles", "Histogram"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Seed"] == 3 and summary["Draws"] == 12 and summary["Draws optimal"] == 12
    assert summary["Sweep spec"] == "spec.yaml"
    rows = {r[0]: r[1:] for r in wb["Percentiles"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["Percentiles"][1]]
    cost = header.index("annual_cost") - 1
    assert rows["P50"][cost] == pytest.approx(np.percentile(draws["annual_cost"], 50))
    assert rows["P95"][cost] == pytest.approx(np.percentile(draws["annual_cost"], 95))
    assert "savings" in header
    hist = wb["Histogram"]
    assert len(hist._charts) == 2
    counts = [r[2] for r in hist.iter_rows(min_row=2, values_only=True) if r[2] is not None]
    assert sum(counts) == 12
    assert hist["A1"].value == "annual_cost from"


def test_cli_sweep_bad_spec_is_exit_2_with_one_line_per_problem(tmp_path):
    org = write_example("tiny", tmp_path / "tiny.xlsx")
    spec = tmp_path / "spec.yaml"
    spec.write_text("growth:\n  ofice: 0.1\nprices:\n  copilot: {unit_price: -3}\n")
    result = runner.invoke(app, ["sweep", str(org), str(spec), "--out", str(tmp_path / "o"),
                                 "--engine", "serial"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        ("spec.yaml, line 4: prices.copilot.unit_price: must be a price of 0 or more, but "
        "fixed(value=-3) can draw values in [-3, -3]")]
    spec.write_text("growth:\n  ofice: 0.1\n")
    result = runner.invoke(app, ["sweep", str(org), str(spec), "--out", str(tmp_path / "o"),
                                 "--engine", "serial"])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("spec.yaml, line 2: growth.ofice: unknown group 'ofice'")
    assert not (tmp_path / "o").exists()


def test_sweep_outputs_never_overwrite_its_inputs(tmp_path):
    org = write_example("tiny", tmp_path / "draws.xlsx")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC_YAML)
    before = org.read_bytes()
    result = runner.invoke(app, ["sweep", str(org), str(spec), "--out", str(tmp_path),
                                 "--engine", "serial", "--draws", "2"])
    assert result.exit_code == 2
    assert "the sweep would write its output over this input" in result.stderr
    assert org.read_bytes() == before
    with pytest.raises(ValueError, match="draws must be 1 or more"):
        monte_carlo(tiny_org(), SPEC, draws=0, engine="serial")


def test_percentiles_and_histogram_of_a_known_table():
    table = pd.DataFrame({"annual_cost": [1.0, 2.0, 3.0, 4.0, None],
                          "savings": [0.0, 0.0, 1.0, 1.0, None],
                          "exit_code": [0, 0, 0, 0, 1]})
    stats = percentiles(table).set_index("statistic")
    assert stats.loc["mean", "annual_cost"] == 2.5 and stats.loc["P50", "annual_cost"] == 2.5
    assert stats.loc["min", "annual_cost"] == 1.0 and stats.loc["max", "savings"] == 1.0
    bins = histogram(table["annual_cost"], bins=3)
    assert bins["draws"].tolist() == [1, 1, 2] and bins["from"].iloc[0] == 1.0
    assert histogram([5.0, 5.0])["draws"].tolist() == [2]


def test_sweep_of_timelines_reports_each_draws_total():
    org = tiny_org()
    table = monte_carlo(org, SPEC, draws=3, seed=7, engine="serial", at="timeline")
    assert (table["status"] == "optimal").all()
    assert (table["periods"] >= 2).all()
    assert (table["total_cost"] >= table["annual_cost"] * 0.5).all()
    again = monte_carlo(org, SPEC, draws=3, seed=7, engine="serial", at="timeline")
    pd.testing.assert_frame_equal(without_time(table), without_time(again))
