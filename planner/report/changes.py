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


def changes_table(purchases: pd.DataFrame, at: str = "now") -> pd.DataFrame:
    """One row per product: units held, planned, and the change in words.

    Parameters
    ----------
    purchases : pandas.DataFrame
        The plan's Purchases table (columns of :data:`planner.results.PURCHASE_COLUMNS`).
    at : {"now", "renewal"}
        Planning point: held units kept are "renew" at renewal and "keep" now.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHANGE_COLUMNS`, the most expensive product first; ``annual_cost``
        is the sum of the product's Purchases rows.

    Examples
    --------
    >>> rows = pd.DataFrame({"action": ["drop", "true-up"], "product": ["e3", "e3"],
    ...                      "product_name": ["E3", "E3"], "quantity": [350, 400],
    ...                      "annual_cost": [0.0, 100.0]})
    >>> changes_table(rows, "renewal")[["held", "planned", "change"]].values.tolist()
    [[350, 400, 'renew 350, add 50']]
    """
    if purchases.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = []
    for product, lines in purchases.groupby("product", sort=False):
        units = lines.groupby("action")["quantity"].sum()

        def total(actions) -> int:
            return int(sum(units.get(a, 0) for a in actions))

        kept = total(KEEPING_ACTIONS)
        held = kept + total(LAPSING_ACTIONS)
        planned = kept + total(ADDING_ACTIONS)
        renew = min(held, planned)
        rows.append(dict(product=product, product_name=lines["product_name"].iloc[0],
                         held=held, planned=planned, renew=renew, add=planned - renew,
                         do_not_renew=held - renew,
                         annual_cost=float(lines["annual_cost"].sum())))
    table = pd.DataFrame(rows)
    table["change"] = [change_text(r.renew, r.add, r.do_not_renew, at)
                       for r in table.itertuples(index=False)]
    table = table.sort_values("annual_cost", ascending=False, kind="stable")
    return table.reset_index(drop=True)[CHANGE_COLUMNS]


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
