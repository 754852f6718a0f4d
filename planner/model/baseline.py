"""The honest baseline: today's run-rate, the compliance gap and the compliant status quo.

Three figures frame a plan's savings:

- ``current_annual_cost``: today's holdings renewed as they are (running lines at the
  price being paid, expiring ones at the renewal price);
- ``compliance_gap``: the users and needs those holdings leave uncovered, and the cost of
  the like-for-like cure;
- ``baseline_annual_cost`` = current + cure: the *compliant status quo*. Every holding is
  kept; a group that holds licences keeps its product set and only adds more units of it
  (or, where its needs outgrow it, the cheapest products that complete it); a group that
  holds nothing gets the cheapest compliant products at the price payable.

The cure is found by the plan's own integer program with the holdings free (they are
paid in ``current``), the plan's purchase prices, and each group restricted to bundles that
keep what it holds. Every status-quo solution is also a plan, so ``savings = baseline -
plan`` is never negative when both are solved to optimality.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.model.extract import EPS
from planner.model.program import MONTHS, PlanningModel
from planner.model.deadline import Deadline
from planner.model.solver import solve_edited


@dataclass
class ComplianceGap:
    """What today's holdings leave uncovered and what curing it like-for-like costs.

    ``groups``: one dict per group with uncovered users or needs (``group``,
    ``users_uncovered``, ``needs_uncovered``, ``cure``: ``like-for-like`` or ``cheapest
    at the price payable`` for a group holding nothing). ``cure``: one dict per product
    bought (``product``, ``quantity``, ``unit_price``, ``annual_cost``).
    """

    users: int = 0
    annual_cost: float = 0.0
    groups: list[dict] = field(default_factory=list)
    cure: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        """Plain JSON types."""
        return {"users": self.users, "annual_cost": round(self.annual_cost, 2),
                "groups": self.groups, "cure": self.cure}


@dataclass
class StatusQuo:
    """The three baseline figures (``baseline_annual_cost`` None when no status quo is compliant)."""

    current_annual_cost: float
    baseline_annual_cost: float | None
    gap: ComplianceGap
    note: str = ""


def current_run_rate(m: PlanningModel) -> float:
    """Today's holdings renewed as they are [currency/year]."""
    return sum(h.quantity * m.pricing.holding_price(h) * MONTHS for h in m.inputs.holdings)


def _held_by_group(m: PlanningModel) -> dict[int, set[str]]:
    """Products assigned to each group (pooled holdings belong to no group in particular)."""
    out: dict[int, set[str]] = {}
    index = {go.group.name: gi for gi, go in enumerate(m.options.groups)}
    for h in m.inputs.holdings:
        if h.group and h.group in index:
            out.setdefault(index[h.group], set()).add(h.product)
    return out


def status_quo_bundles(m: PlanningModel) -> dict[int, list[int]]:
    """Per group, the bundles that keep what it holds (all bundles if it holds nothing).

    A bundle keeps what the group holds when it contains every held product that any of
    the group's bundles can contain; if none contains them all, the bundles containing
    the most of them.
    """
    held = _held_by_group(m)
    out = {}
    for gi, go in enumerate(m.options.groups):
        mine = held.get(gi, set()) & {p for b in go.bundles for p in b.products}
        scores = [len(mine & set(b.products)) for b in go.bundles]
        best = max(scores, default=0)
        out[gi] = [bi for bi, s in enumerate(scores) if s == best]
    return out


def _gap_groups(m: PlanningModel, chosen: dict[tuple[int, int], int]) -> tuple[list[dict], int]:
    """Uncovered users and needs per group, allocating held units to their groups first.

    A group's users are all uncovered when it has a need no held product gives; else those
    whose chosen bundle needs more units than the holdings left for it.
    """
    supply: dict[str, float] = {}
    assigned: dict[tuple[str, str], float] = {}
    for h in m.inputs.holdings:
        if h.group:
            assigned[h.group, h.product] = assigned.get((h.group, h.product), 0) + h.quantity
        else:
            supply[h.product] = supply.get(h.product, 0) + h.quantity
    held_any = {h.product for h in m.inputs.holdings}
    have = set().union(*(m.catalog.provides(p, m.inputs.org.agreement) for p in held_any)) \
        if held_any else set()
    by_group: dict[int, list[tuple[int, int]]] = {}
    for (g, bi), users in sorted(chosen.items()):
        by_group.setdefault(g, []).append((bi, users))
    rows, total = [], 0
    for gi, go in enumerate(m.options.groups):
        name = go.group.name
        uncovered_users = 0
        for bi, users in by_group.get(gi, ()):
            for p in go.bundles[bi].products:
                per_user = go.per_user(m.catalog, p)
                need = users * per_user
                take = min(need, assigned.get((name, p), 0))
                assigned[name, p] = assigned.get((name, p), 0) - take
                need -= take
                pool = min(need, supply.get(p, 0))
                supply[p] = supply.get(p, 0) - pool
                need -= pool
                if need > 1e-9:
                    uncovered_users = max(uncovered_users, min(users, math.ceil(need / per_user - 1e-9)))
        needs_uncovered = [n for n in go.needs if n not in have]
        if needs_uncovered:  # no holding gives these needs: every user of the group lacks them
            uncovered_users = sum(users for _, users in by_group.get(gi, ()))
        if uncovered_users or needs_uncovered:
            holds = any(h.group == name for h in m.inputs.holdings)
            rows.append(dict(group=name, users_uncovered=int(uncovered_users),
                             needs_uncovered=needs_uncovered,
                             cure="like-for-like" if holds or not needs_uncovered
                             else "cheapest at the price payable"))
            total += int(uncovered_users)
    return rows, total


def status_quo_terms(m: PlanningModel) -> list[tuple[int, float]]:
    """The status quo's objective at ``m.pricing`` as (column, cost) terms: each unit bought
    at its price [currency/year], a penalty per unlicensed user; holdings are free."""
    prices = [m.pricing.buy_price(p) or 0.0 for p in m.col_buy]
    penalty = 1e3 * MONTHS * (1 + max(prices + [0.0]))
    terms = [(col, MONTHS * price) for col, price in zip(m.col_buy.values(), prices)]
    return terms + [(col, penalty) for col in m.col_unlicensed.values()]


def status_quo_from(m: PlanningModel, x: np.ndarray | None) -> StatusQuo:
    """The :class:`StatusQuo` of ``m`` from a status-quo solve's values by column (``None``:
    no plan): the units it buys and the groups it leaves uncovered."""
    current = current_run_rate(m)
    if x is None or sum(x[c] for c in m.col_unlicensed.values()) > EPS:
        return StatusQuo(current, None, ComplianceGap(),
                         "no compliant status quo: the groups' current product sets cannot "
                         "cover every user within the organization-wide rules")
    # Only priced products have buy columns.
    bought = {p: int(round(x[c])) for p, c in m.col_buy.items()}
    chosen = {k: int(round(x[c])) for k, c in m.col_users.items() if x[c] > 0.5}
    price = {p: m.pricing.buy_price(p) or 0.0 for p in bought}
    cure: list[dict[str, Any]] = [
        dict(product=p, quantity=q, unit_price=round(price[p], 4),
             annual_cost=round(q * price[p] * MONTHS, 2))
        for p, q in sorted(bought.items()) if q]
    cure_cost = sum(r["annual_cost"] for r in cure)
    groups, users = _gap_groups(m, chosen)
    gap = ComplianceGap(users=users, annual_cost=cure_cost, groups=groups, cure=cure)
    return StatusQuo(current, current + cure_cost, gap)


def compliant_status_quo(m: PlanningModel, solver: str, time_limit: "Deadline | float | None") -> StatusQuo:
    """Solve the status quo on the plan's model (edited for this solve; ``m`` is unchanged)."""
    allowed = status_quo_bundles(m)
    upper = {col: 0.0 for (gi, bi), col in m.col_users.items() if bi not in allowed[gi]}
    _, x = solve_edited(m, solver, time_limit, upper, dict(status_quo_terms(m)))
    return status_quo_from(m, x)


def attach_status_quo(result, m: PlanningModel, solver: str, deadline, solve_quo=None) -> None:
    """Fill ``result``'s current cost, compliance gap and baseline from ``m``'s status quo.

    ``solve_quo``: a callable ``solve_quo(m, solver, deadline) -> StatusQuo``
    (:func:`compliant_status_quo` by default). When the run's deadline is spent first, the
    baseline stays empty and a message says so.
    """
    from planner.model.deadline import DeadlineReached

    try:
        quo = (solve_quo or compliant_status_quo)(m, solver, deadline)
    except DeadlineReached:
        quo = StatusQuo(current_run_rate(m), None, ComplianceGap(),
                        "time limit reached: the compliant status quo (baseline) was not computed")
    result.current_annual_cost = round(quo.current_annual_cost, 2)
    result.baseline_annual_cost = (None if quo.baseline_annual_cost is None
                                   else round(quo.baseline_annual_cost, 2))
    result.compliance_gap = quo.gap.to_json()
    if quo.note:
        result.messages.append(quo.note)

