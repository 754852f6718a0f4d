"""planner.table: the plan's tables as rows, a DataFrame on request, edits kept."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.table import Table, is_blank, scalar

COLUMNS = ("product", "quantity", "annual_cost")


def sample() -> Table:
    return Table.from_dicts(COLUMNS, [dict(product="e3", quantity=2, annual_cost=864.0),
                                      dict(product="e5", quantity=1)])


def test_rows_read_as_named_tuples_and_a_missing_value_is_none():
    rows = list(sample())
    assert (rows[0].product, rows[0].quantity) == ("e3", 2)
    assert rows[1].annual_cost is None
    assert sample().column("product") == ["e3", "e5"]


def test_a_row_of_the_wrong_width_and_an_unknown_column_are_refused():
    with pytest.raises(ValueError, match="2 values under 3 columns"):
        Table(COLUMNS, [("e3", 2)])
    with pytest.raises(KeyError):
        sample().column("price")
    with pytest.raises(ValueError, match="1 values for a column of 2 rows"):
        sample().with_columns(quantity=[1])


def test_select_where_total_and_with_columns_give_new_tables():
    t = sample()
    assert t.select(["quantity", "product"]).rows == [(2, "e3"), (1, "e5")]
    assert t.where(lambda r: r.quantity > 1).column("product") == ["e3"]
    assert Table(COLUMNS, [("a", 1, 10.0), ("b", 2, 2.5)]).total("annual_cost") == 12.5
    assert Table(COLUMNS).total("annual_cost") == 0.0
    assert t.with_columns(quantity=[5, 6]).column("quantity") == [5, 6]
    assert t.column("quantity") == [2, 1]


def test_the_frame_is_built_once_and_edits_to_it_are_the_table():
    t = sample()
    frame = t.frame()
    assert t.frame() is frame
    assert list(frame.columns) == list(COLUMNS) and math.isnan(frame.loc[1, "annual_cost"])
    frame.loc[0, "quantity"] = 7
    frame["note"] = ["x", "y"]
    assert t.column("quantity") == [7, 1]
    assert t.columns == COLUMNS + ("note",) and [r.note for r in t] == ["x", "y"]


@given(st.lists(st.tuples(st.text(max_size=5), st.integers(-10**6, 10**6),
                          st.floats(allow_nan=False, allow_infinity=False, width=32)), max_size=20))
def test_a_frame_round_trip_keeps_every_value(rows):
    t = Table(COLUMNS, rows)
    back = Table.from_frame(t.frame())
    assert back == Table(COLUMNS, rows)
    assert Table.of(t) is t


def test_table_of_a_frame_keeps_or_picks_columns():
    frame = pd.DataFrame({"b": [1], "a": ["x"]})
    assert Table.of(frame).columns == ("b", "a")
    assert Table.of(frame, ["a"]).rows == [("x",)]


@pytest.mark.parametrize("value, blank", [(None, True), (float("nan"), True), (pd.NA, True),
                                           (pd.NaT, True), (0, False), ("", False), ((), False)])
def test_is_blank(value, blank):
    assert is_blank(value) is blank


def test_scalar_gives_what_a_cell_holds():
    import numpy as np

    assert scalar(np.int64(3)) == 3 and type(scalar(np.int64(3))) is int
    assert scalar(pd.Timestamp("2027-06-30")).year == 2027
    assert scalar(pd.NaT) is None and scalar(np.float64("nan")) is None
    assert scalar(("a", "b")) == ("a", "b")


def test_a_plan_table_is_its_dataframe_once_read_or_assigned():
    import planner
    from planner.examples import tiny_org

    plan = planner.plan(tiny_org(), alternatives=False)
    plan.purchases.loc[0, "note"] = "checked by finance"
    assert plan.purchase_rows.column("note")[0] == "checked by finance"
    assert plan.to_json()["purchases"][0]["note"] == "checked by finance"
    frame = plan.assignments.copy()
    plan.assignments = frame
    frame.loc[0, "users"] = 1
    assert plan.assignments is frame and plan.assignment_rows.column("users")[0] == 1
