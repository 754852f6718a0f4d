"""The draws of a sweep: drawn once, up front, then applied to the organization one by one.

:func:`make_draws` draws every parameter of every draw before any work is sent to an
engine (see :mod:`planner.batch.distributions` for how the seed is used), so the same
seed gives the same table of draws on every engine and for any number of workers.
:func:`apply_draw` turns one draw into the organization to plan.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from planner.catalog.load import Catalog
from planner.input.organization import OrgInputs
from planner.batch.distributions import draw_values
from planner.batch.spec import ALL_GROUPS, SweepSpec

DRAW_COLUMN = "draw"
"""The draw number column (0, 1, ...)."""


def make_draws(spec: SweepSpec, draws: int, seed: int) -> pd.DataFrame:
    """The table of draws: one row per draw, one column per parameter of the spec.

    Parameters
    ----------
    spec : SweepSpec
    draws : int
        How many (1 or more).
    seed : int
        0 or more.

    Returns
    -------
    pandas.DataFrame
        ``draw`` then the columns of :meth:`SweepSpec.parameters` (e.g.
        ``prices.copilot.unit_price``, ``growth.*``, ``adoption.office_copilot.share``).

    Examples
    --------
    >>> from planner.batch.spec import parse_spec
    >>> spec = parse_spec({"discount_pct": {"dist": "uniform", "low": 0, "high": 10}})
    >>> table = make_draws(spec, 4, seed=1)
    >>> list(table.columns), len(table)
    (['draw', 'discount_pct'], 4)
    >>> table.equals(make_draws(spec, 4, seed=1))
    True
    """
    if draws < 1:
        msg = f"draws must be 1 or more (got {draws})"
        raise ValueError(msg)
    if seed < 0:
        msg = f"seed must be 0 or more (got {seed})"
        raise ValueError(msg)
    parameters = spec.parameters()
    columns = [column for column, _ in parameters]
    table = pd.DataFrame(draw_values(parameters, draws, seed), columns=columns)
    table.insert(0, DRAW_COLUMN, range(draws))
    return table


def apply_draw(inputs: OrgInputs, spec: SweepSpec, values: Mapping[str, float],
               catalog: Catalog, at: str) -> OrgInputs:
    """The organization of one draw: ``inputs`` with the drawn values applied.

    Order: discount, prices (``unit_price`` as drawn; ``change_pct`` on the price the
    plan would pay after the discount), headcount growth, adoption splits.

    Parameters
    ----------
    inputs : OrgInputs
        The organization (never modified).
    spec : SweepSpec
        Checked against ``inputs`` (:func:`planner.batch.spec.check_spec`).
    values : dict
        Column -> drawn value (one row of :func:`make_draws`).
    catalog : Catalog
    at : str
        Planning point.
    """
    from planner.explore import split_group, with_changes
    from planner.catalog.pricing import Pricing

    changed = inputs
    if spec.discount is not None:
        changed = with_changes(changed, discount_pct=values["discount_pct"], catalog=catalog)
    unit = {p.product: values[p.column] for p in spec.prices if p.form == "unit_price"}
    if unit:
        changed = with_changes(changed, prices=unit, catalog=catalog)
    relative = [p for p in spec.prices if p.form == "change_pct"]
    if relative:
        pricing = Pricing.for_plan(changed, catalog, at)
        changed = with_changes(changed, catalog=catalog, prices={
            p.product: max(0.0, (pricing.buy_price(p.product) or 0.0) * (1 + values[p.column] / 100))
            for p in relative})
    growth = dict(spec.growth)
    if growth:
        every = growth.get(ALL_GROUPS)
        users = {}
        for g in changed.groups:
            if g.name in growth or every is not None:
                rate = values[f"growth.{g.name if g.name in growth else ALL_GROUPS}"]
                users[g.name] = max(0, round(g.users * (1 + rate)))
        changed = with_changes(changed, users=users, catalog=catalog)
    for a in spec.adoption:
        changed = split_group(changed, a.group, values[a.column], new_name=a.name,
                              add_needs=a.add_needs, catalog=catalog)
    return changed
