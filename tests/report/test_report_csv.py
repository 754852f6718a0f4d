"""Product lists in the plan tables (tuples in a Plan, ``a + b`` text in files) and the CSV
tables of ``-o plan.csv``, a timeline plan's included."""
from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest
from test_report_excel import make_plan

from planner.report.csv_tables import TABLES, TIMELINE_TABLES, csv_paths, write_plan_csv
from planner.report.excel import write_plan
from planner.results import (PERIOD_COLUMNS, TIMELINE_COLUMNS, Timeline, bundles_text,
                             read_bundles, tables_as_text)


@pytest.mark.parametrize("bundles, text", [
    ((("m365_e3", "copilot"),), "m365_e3 + copilot"),
    ((("m365_e3",), ("m365_e5", "copilot")), "m365_e3 | m365_e5 + copilot"),
    ((), "none"),
])
def test_bundles_are_written_as_text_and_read_back(bundles, text):
    assert bundles_text(bundles) == text
    assert read_bundles(text) == bundles
    assert read_bundles(bundles) == bundles
    assert bundles_text(text) == text


def test_tables_as_text_writes_only_the_product_list_columns():
    frame = pd.DataFrame([dict(group="a + b", products=("x", "y"), chosen=(("x",), ("y", "z")),
                               alternative=(), note="p + q")])
    shown = tables_as_text(frame)
    assert shown.iloc[0].to_dict() == dict(group="a + b", products="x + y", chosen="x | y + z",
                                           alternative="none", note="p + q")
    assert frame.iloc[0]["products"] == ("x", "y")  # the plan's frame is left as it is


def test_a_solved_plan_carries_product_tuples_in_its_alternatives():
    import planner
    from planner.examples import tiny_org

    result = planner.plan(tiny_org(), at="renewal")
    assert len(result.alternatives)
    catalog = planner.load_catalog()
    for column in ("chosen", "alternative"):
        for bundles in result.alternatives[column]:
            assert isinstance(bundles, tuple)
            assert all(isinstance(b, tuple) and set(b) <= set(catalog.products.index)
                       for b in bundles), bundles
    assert all(result.alternatives["chosen"].map(len) > 0)


def test_files_show_product_lists_as_text(tmp_path):
    plan = make_plan()
    written = write_plan_csv(plan, tmp_path / "plan.csv")
    assert written == csv_paths(tmp_path / "plan.csv")
    alternatives = pd.read_csv(tmp_path / "plan-alternatives.csv")
    assert alternatives.loc[0, ["chosen", "alternative"]].tolist() == ["m365_e3",
                                                                        "o365_e3 + ems_e3"]
    assert pd.read_csv(tmp_path / "plan-assignments.csv")["products"].tolist() == [
        "m365_e3", "m365_e5"]
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "plan.xlsx"))["Alternatives"]
    header = [c.value for c in ws[1]]
    row = {name: cell.value for name, cell in zip(header, ws[2])}
    assert (row["chosen"], row["alternative"]) == ("m365_e3", "o365_e3 + ems_e3")


def timeline() -> Timeline:
    """Two periods of a hand-made timeline: 80 m365_e3 running, then renewed with 5 more."""
    periods = pd.DataFrame([
        dict(period=0, start=date(2026, 11, 23), end=date(2027, 6, 30), at="now", years=0.6,
             annual_cost=34_560.0, cost=20_736.0, discounted_cost=20_736.0),
        dict(period=1, start=date(2027, 6, 30), end=date(2028, 6, 30), at="renewal", years=1.0,
             annual_cost=36_720.0, cost=36_720.0, discounted_cost=35_000.0),
    ], columns=PERIOD_COLUMNS)
    lines = pd.DataFrame([
        dict(period=0, start=date(2026, 11, 23), end=date(2027, 6, 30), action="running",
             product="m365_e3", product_name="Microsoft 365 E3", quantity=80, unit_price=36.0,
             annual_cost=34_560.0, period_cost=20_736.0, note=""),
        dict(period=1, start=date(2027, 6, 30), end=date(2028, 6, 30), action="renew",
             product="m365_e3", product_name="Microsoft 365 E3", quantity=85, unit_price=36.0,
             annual_cost=36_720.0, period_cost=36_720.0, note="renew 80, add 5"),
    ], columns=TIMELINE_COLUMNS)
    assignments = [pd.DataFrame([dict(group="Office", users=u, products=("m365_e3",))])
                   for u in (80, 85)]
    return Timeline(periods, lines, assignments, total_cost=57_456.0,
                    discounted_total_cost=55_736.0, discount_rate=0.05)


def test_a_timeline_plan_writes_its_timeline_and_periods_tables(tmp_path):
    out = tmp_path / "plan.csv"
    written = write_plan_csv(make_plan(at="timeline", timeline=timeline()), out)
    assert written == csv_paths(out, timeline=True)
    assert [p.name for p in written] == [f"plan-{t}.csv" for t in TABLES + TIMELINE_TABLES]
    lines = pd.read_csv(tmp_path / "plan-timeline.csv")
    assert list(lines.columns) == TIMELINE_COLUMNS
    assert lines[["action", "quantity", "period_cost"]].values.tolist() == [
        ["running", 80, 20_736.0], ["renew", 85, 36_720.0]]
    assert lines["start"].tolist() == ["2026-11-23", "2027-06-30"]
    periods = pd.read_csv(tmp_path / "plan-periods.csv")
    assert list(periods.columns) == PERIOD_COLUMNS
    assert periods["cost"].sum() == pytest.approx(57_456.0)


def test_a_plan_for_one_point_writes_no_timeline_tables(tmp_path):
    written = write_plan_csv(make_plan(), tmp_path / "plan.csv")
    assert [p.name for p in written] == [f"plan-{t}.csv" for t in TABLES]
    assert not (tmp_path / "plan-timeline.csv").exists()


def test_every_kind_of_error_line_is_printable():
    from planner.errors import NoCompliantPlan, PlannerError, Shortfall, visible

    assert visible("Sales team é 中") == "Sales team é 中"
    assert visible("x\u00a0y\ufeff") == "x\\u00a0y\\ufeff"
    assert NoCompliantPlan([Shortfall("Sales\u202e", "mailbox", "no product")]).lines() == [
        "group 'Sales\\u202e' cannot be licensed for 'mailbox': no product"]
    assert PlannerError("first\nsecond \u200f").lines() == ["first", "second \\u200f"]
