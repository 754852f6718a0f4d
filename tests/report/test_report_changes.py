"""The Changes table: one line per product, held -> planned -> the orders to place."""
from __future__ import annotations

import pandas as pd
import pytest

from planner.report.changes import CHANGE_COLUMNS, change_text, changes_table
from planner.results import PURCHASE_COLUMNS


def rows(*lines) -> pd.DataFrame:
    """Purchases rows from (action, product, quantity, annual_cost)."""
    return pd.DataFrame([dict(action=a, product=p, product_name=p.upper(), quantity=q,
                              unit_price=0.0, monthly_cost=c / 12, annual_cost=c, note="")
                         for a, p, q, c in lines], columns=PURCHASE_COLUMNS)


def table(*lines, at="renewal") -> dict[str, tuple]:
    frame = changes_table(rows(*lines), at).frame()
    assert list(frame.columns) == CHANGE_COLUMNS
    return {r.product: (r.held, r.planned, r.change, r.renew, r.add, r.do_not_renew)
            for r in frame.itertuples(index=False)}


def test_a_drop_and_a_true_up_of_one_product_net_into_one_line():
    assert table(("drop", "m365_e3", 350, 0.0), ("true-up", "m365_e3", 400, 100.0)) == {
        "m365_e3": (350, 400, "renew 350, add 50", 350, 50, 0)}


def test_fewer_planned_than_held_is_do_not_renew():
    assert table(("keep", "e3", 80, 10.0), ("drop", "e3", 20, 0.0))["e3"] == (
        100, 80, "renew 80, do not renew 20", 80, 0, 20)


def test_a_plan_made_now_keeps_running_holdings_and_lets_unused_ones_lapse():
    assert table(("keep", "e3", 80, 10.0), ("committed", "e3", 20, 5.0), at="now")["e3"] == (
        100, 80, "keep 80, do not renew 20", 80, 0, 20)


def test_step_ups_and_buys_are_additions_and_several_rows_add_up():
    assert table(("buy", "e5", 10, 1.0), ("buy", "e5", 5, 1.0), ("step-up", "s", 3, 1.0)) == {
        "e5": (0, 15, "add 15", 0, 15, 0), "s": (0, 3, "add 3", 0, 3, 0)}


def test_the_most_expensive_product_comes_first_with_its_total_cost():
    frame = changes_table(rows(("buy", "cheap", 1, 10.0), ("keep", "dear", 1, 50.0),
                               ("buy", "dear", 1, 60.0))).frame()
    assert list(frame["product"]) == ["dear", "cheap"]
    assert list(frame["annual_cost"]) == [110.0, 10.0]


def test_an_empty_plan_has_no_changes():
    assert len(changes_table(rows())) == 0


@pytest.mark.parametrize("renew, add, drop, at, text", [
    (0, 0, 0, "now", "none"), (1_000, 25, 0, "now", "keep 1,000, add 25"),
    (0, 0, 5, "renewal", "do not renew 5"),
])
def test_change_text(renew, add, drop, at, text):
    assert change_text(renew, add, drop, at) == text
