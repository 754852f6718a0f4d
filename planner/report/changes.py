"""What procurement acts on: per product, held -> planned -> change.

The plan's Purchases rows (keep / committed / drop / buy / true-up / step-up, possibly
several per product at different prices) are netted into one line per product: ``held``
= units the organization holds (kept + left to lapse: dropped, or committed and
unassigned), ``planned`` = units the plan uses (kept +
bought), and the change as the orders to place: renew (or keep, for a plan made now,
while the subscriptions run) ``min(held, planned)``, add ``planned - held`` when the
plan needs more, do not renew ``held - planned`` when it needs fewer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.table import Table

if TYPE_CHECKING:
    import pandas as pd

CHANGE_COLUMNS = ["product", "product_name", "held", "planned", "change", "renew", "add",
                  "do_not_renew", "annual_cost"]
# Purchases actions by what they do to the units held.
KEEPING_ACTIONS = ("keep",)
LAPSING_ACTIONS = ("drop", "committed")  # held units the plan does not use
ADDING_ACTIONS = ("buy", "true-up", "step-up")
# Word for the held units the plan keeps, by planning point: at renewal they are
# renewed; a plan made now keeps running subscriptions until they end.
KEEP_WORD = {"renewal": "renew", "now": "keep"}


def changes_table(purchases: Table | pd.DataFrame, at: str = "now") -> Table:
    """One row per product: units held, planned, and the change in words.

    Parameters
    ----------
    purchases : Table or pandas.DataFrame
        The plan's Purchases table (columns of :data:`planner.results.PURCHASE_COLUMNS`).
    at : {"now", "renewal"}
        Planning point: held units kept are "renew" at renewal and "keep" now.

    Returns
    -------
    Table
        Columns :data:`CHANGE_COLUMNS`, the most expensive product first; ``annual_cost``
        is the sum of the product's Purchases rows.

    Examples
    --------
    >>> rows = Table(["action", "product", "product_name", "quantity", "annual_cost"],
    ...              [("drop", "e3", "E3", 350, 0.0), ("true-up", "e3", "E3", 400, 100.0)])
    >>> [(r.held, r.planned, r.change) for r in changes_table(rows, "renewal")]
    [(350, 400, 'renew 350, add 50')]
    """
    units: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    costs: dict[str, float] = {}
    for r in Table.of(purchases):
        by_action = units.setdefault(r.product, {})
        by_action[r.action] = by_action.get(r.action, 0) + int(r.quantity)
        names.setdefault(r.product, r.product_name)
        costs[r.product] = costs.get(r.product, 0.0) + float(r.annual_cost)
    rows: list[dict[str, Any]] = []
    for product, by_action in units.items():
        def total(actions) -> int:
            return sum(by_action.get(a, 0) for a in actions)

        kept = total(KEEPING_ACTIONS)
        held = kept + total(LAPSING_ACTIONS)
        planned = kept + total(ADDING_ACTIONS)
        renew = min(held, planned)
        rows.append(dict(product=product, product_name=names[product], held=held,
                         planned=planned, change=change_text(renew, planned - renew, held - renew, at),
                         renew=renew, add=planned - renew, do_not_renew=held - renew,
                         annual_cost=costs[product]))
    rows.sort(key=lambda r: -costs[r["product"]])  # stable: equal costs keep the Purchases order
    return Table.from_dicts(CHANGE_COLUMNS, rows)


def change_text(renew: int, add: int, do_not_renew: int, at: str = "now") -> str:
    """The change of one product in words, e.g. ``renew 80, add 5``.

    Examples
    --------
    >>> change_text(0, 20, 0)
    'add 20'
    >>> change_text(80, 0, 20, "renewal")
    'renew 80, do not renew 20'
    """
    parts = [f"{KEEP_WORD.get(at, 'keep')} {renew:,}" if renew else "",
             f"add {add:,}" if add else "",
             f"do not renew {do_not_renew:,}" if do_not_renew else ""]
    return ", ".join(p for p in parts if p) or "none"
