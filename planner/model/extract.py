"""Turn a solved model into a :class:`~planner.results.Plan` of tables."""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from planner.model.program import MONTHS, PlanningModel
from planner.model.solver import SolveOutcome
from planner.results import ACTIONS, ASSIGNMENT_COLUMNS, PURCHASE_COLUMNS, Plan
from planner.table import Table

EPS = 1e-6


def chosen_bundles(m: PlanningModel) -> dict[tuple[int, int], int]:
    """``(group index, bundle index) -> users`` for every bundle in use."""
    out = {}
    for key, x in m.values(m.col_users).items():
        value = int(round(x))
        if value > 0:
            out[key] = value
    return out


def unlicensed_users(m: PlanningModel) -> dict[int, float]:
    """Group index -> users left unlicensed (non-empty only without a compliant plan)."""
    return {gi: x for gi, x in m.values(m.col_unlicensed).items() if x > EPS}


def _units_needed(m: PlanningModel, chosen) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Units each product needs in total and per (group, product), rounded up."""
    total: dict[str, float] = defaultdict(float)
    per_group: dict[tuple[str, str], float] = defaultdict(float)
    for (gi, bi), users in chosen.items():
        go = m.options.groups[gi]
        for p in go.bundles[bi].products:
            units = users * go.per_user(m.catalog, p)
            total[p] += units
            per_group[go.group.name, p] += units
    up = lambda x: int(math.ceil(x - EPS))  # noqa: E731
    # A product bought once per organization takes one unit whatever the headcount.
    once = {p for p in total if m.catalog.product(p).basis == "organization"}
    return ({p: 1 if p in once else up(v) for p, v in total.items()},
            {k: 1 if k[1] in once else up(v) for k, v in per_group.items()})


def settle_ties(m: PlanningModel, needed_by_group: dict[tuple[str, str], int] | None = None
                ) -> tuple[dict[int, int], dict[str, int]]:
    """Units kept of each priced holding and bought of each product.

    At renewal a kept unit and a new one often cost the same and the solver may pick
    either; ties are settled here in favour of keeping what the organization holds, so a
    product never shows "drop 350" next to "buy 400" at the same price. A holding
    assigned to a group keeps at most what that group uses of the product
    (``needed_by_group``: (group, product) -> units).
    """
    kept = {hi: int(round(x)) for hi, x in m.values(m.col_keep).items()
            if not m.pricing.running(m.inputs.holdings[hi])}
    bought = {p: int(round(x)) for p, x in m.values(m.col_buy).items()}
    room = dict(needed_by_group or {})
    for hi, k in kept.items():
        h = m.inputs.holdings[hi]
        if h.group:
            room[h.group, h.product] = room.get((h.group, h.product), 0) - k
    for restricted in (False, True):  # pools first: they serve any group
        for hi in kept:
            h = m.inputs.holdings[hi]
            if bool(h.group) != restricted or not bought.get(h.product):
                continue
            new = m.pricing.buy_price(h.product)
            if new is None or m.pricing.renewal_price(h) > new + 1e-9:
                continue
            shift = min(bought[h.product], h.quantity - kept[hi])
            if h.group:
                shift = min(shift, max(0, room.get((h.group, h.product), 0)))
                room[h.group, h.product] = room.get((h.group, h.product), 0) - shift
            kept[hi] += shift
            bought[h.product] -= shift
    return kept, bought


def _kept_units(m: PlanningModel, needed, needed_by_group, priced: dict[int, int],
                bought: dict[str, int]) -> dict[int, int]:
    """Units kept of each holding: priced ones as solved; running ones as far as needed."""
    kept: dict[int, int] = dict(priced)
    left = dict(needed)
    left_group = dict(needed_by_group)
    holdings = list(enumerate(m.inputs.holdings))
    for hi, k in priced.items():
        p = m.inputs.holdings[hi].product
        left[p] = left.get(p, 0) - k
    for p, b in bought.items():
        left[p] = left.get(p, 0) - b
    # Running holdings are free: those assigned to a group first, then the pools.
    for restricted in (True, False):
        for hi, h in holdings:
            if hi in kept or not m.pricing.running(h) or bool(h.group) != restricted:
                continue
            want = max(0, left.get(h.product, 0))
            if restricted:
                want = min(want, max(0, left_group.get((h.group, h.product), 0)))
                left_group[h.group, h.product] = left_group.get((h.group, h.product), 0) - min(want, h.quantity)
            kept[hi] = min(h.quantity, want)
            left[h.product] = left.get(h.product, 0) - kept[hi]
    return kept


def _purchase_rows(m: PlanningModel, kept: dict[int, int], bought: dict[str, int]) -> list[dict]:
    rows: list[dict[str, Any]] = []
    cat, pricing = m.catalog, m.pricing
    held_products = {h.product for h in m.inputs.holdings}
    for hi, h in enumerate(m.inputs.holdings):
        k = kept.get(hi, 0)
        running = pricing.running(h)
        price = pricing.holding_price(h)
        ends = f" until {h.ends.isoformat()}" if h.ends else ""
        scope = f" for {h.group}" if h.group else ""
        if k:
            note = (f"running{ends}: already paid{scope}" if running else
                    ("SA renewal" if cat.product(h.product).is_onprem else "renewal") + scope)
            rows.append(dict(action="keep", product=h.product, quantity=k, unit_price=price, note=note))
        if h.quantity - k:
            if running:
                note = f"committed{ends}, unassigned: do not renew"
                rows.append(dict(action="committed", product=h.product, quantity=h.quantity - k,
                                 unit_price=price, note=note))
            else:
                rows.append(dict(action="drop", product=h.product, quantity=h.quantity - k,
                                 unit_price=0.0, note=f"not renewed; saves {price * MONTHS:,.2f} a unit a year"))
    for p, q in sorted(bought.items()):
        if not q:
            continue
        prod = cat.product(p)
        if prod.is_step_up:
            action, note = "step-up", f"from held {' + '.join(prod.step_from)} to {prod.step_to}"
        elif p in held_products and prod.is_onprem and m.options.platform_agreement:
            action, note = "true-up", "growth of an Enterprise Product, counted at the true-up"
        elif (locked := pricing.locked_line(p)) is not None:
            action = "buy"
            note = (f"added seats, ordered before use, at the locked price of "
                    f"{pricing.price_list_of(locked).id}")
        else:
            action, note = "buy", "new purchase"
        rows.append(dict(action=action, product=p, quantity=q, unit_price=pricing.buy_price(p), note=note))
    for r in rows:
        r["product_name"] = cat.product(r["product"]).name
        r["unit_price"] = round(float(r["unit_price"]), 4)
        r["monthly_cost"] = r["quantity"] * r["unit_price"]
        r["annual_cost"] = r["monthly_cost"] * MONTHS
    return rows


def purchases_table(rows: list[dict]) -> Table:
    """One row per (action, product, unit price), its notes joined, in a stable order.

    Rows of the same key add their quantities and costs; the result is ordered by action
    (``ACTIONS``), then product, then first appearance.
    """
    merged: dict[tuple, dict] = {}
    for r in rows:
        key = (r["action"], r["product"], r["product_name"], r["unit_price"])
        line = merged.get(key)
        if line is None:
            merged[key] = dict(r, note=[r["note"]])
            continue
        for column in ("quantity", "monthly_cost", "annual_cost"):
            line[column] += r[column]
        line["note"].append(r["note"])
    order = {a: i for i, a in enumerate(ACTIONS)}
    lines = sorted(merged.values(), key=lambda line: (order[line["action"]], line["product"]))
    for line in lines:
        line["note"] = "; ".join(dict.fromkeys(n for n in line["note"] if n))
    return Table.from_dicts(PURCHASE_COLUMNS, lines)


def unit_annual_costs(purchases: Table) -> dict[str, float]:
    """Average annual cost of one used unit of each product (keep and buy rows)."""
    units: dict[str, float] = defaultdict(float)
    cost: dict[str, float] = defaultdict(float)
    for r in purchases:
        if r.action != "drop":
            units[r.product] += r.quantity
            cost[r.product] += r.annual_cost
    return {p: cost[p] / units[p] if units[p] else 0.0 for p in units}


def why_text(m: PlanningModel, gi: int, bi: int) -> str:
    """One line on why a group holds a bundle, from the rules that shaped it."""
    go = m.options.groups[gi]
    bundle = go.bundles[bi]
    cat = m.catalog
    parts = [f"cheapest of {len(go.bundles)} compliant bundle{'s' if len(go.bundles) != 1 else ''}"]
    for p in bundle.products:
        prod = cat.product(p)
        if prod.is_step_up:
            parts.append(f"steps up the held {' + '.join(prod.step_from)}")
        elif prod.kind == "cloud_addon_sa":
            parts.append(f"{p} rides on the SA-covered on-premises licences")
    if bundle.for_commitment:
        parts.append("carries the " + " and ".join(sorted(bundle.for_commitment)) +
                     " because the Enterprise Agreement platform covers every qualified user")
    needs_os = {c for c, cap in cat.capabilities.items() if cap.condition == "qualifying_os"}
    if not go.group.qualifying_os and any(needs_os & cat.product(p).provides
                                          for p in bundle.products):
        parts.append("no qualifying OS on the primary device, so no Windows Enterprise per user")
    return "; ".join(parts)


def extract_plan(m: PlanningModel, outcome: SolveOutcome) -> Plan:
    """The plan tables (without alternatives and compliance, filled in later)."""
    chosen = chosen_bundles(m)
    needed, needed_by_group = _units_needed(m, chosen)
    priced, bought = settle_ties(m, needed_by_group)
    kept = _kept_units(m, needed, needed_by_group, priced, bought)
    purchases = purchases_table(_purchase_rows(m, kept, bought))
    unit_cost = unit_annual_costs(purchases)
    rows = []
    for (gi, bi), users in sorted(chosen.items()):
        go = m.options.groups[gi]
        bundle = go.bundles[bi]
        per_user = sum(go.per_user(m.catalog, p) * unit_cost.get(p, 0.0) for p in bundle.products)
        rows.append(dict(group=go.group.name, users=users, products=tuple(bundle.products),
                         annual_cost_per_user=round(per_user, 2), why=why_text(m, gi, bi),
                         robust=None, flips_at=""))
    assignments = Table.from_dicts(ASSIGNMENT_COLUMNS, rows)
    committed = sum(h.quantity * m.pricing.contract_price(h) * MONTHS
                    for h in m.inputs.holdings if m.pricing.running(h))
    baseline = sum(h.quantity * m.pricing.holding_price(h) * MONTHS for h in m.inputs.holdings)
    annual = purchases.total("annual_cost")
    plan = Plan(
        status=outcome.status, currency=m.inputs.org.currency, at=m.pricing.at,
        price_list=m.pricing.price_list.id, annual_cost=round(annual, 2),
        baseline_annual_cost=round(baseline, 2), committed_annual_cost=round(committed, 2),
        gap=outcome.gap, purchase_rows=purchases, assignment_rows=assignments,
        organization=m.inputs.org.name, source_file=m.inputs.source, solver=outcome.solver,
        solve_seconds=outcome.seconds,
        messages=([m.inputs.org.notes] if m.inputs.org.notes else [])
        + list(outcome.messages) + list(m.inputs.warnings),
    )
    return plan
