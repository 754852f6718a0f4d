"""Reading a solved timeline: the period x product table, each period's plan, the chained path.

Each period after the first is also rebuilt as a single-point organization that holds what
the earlier periods bought and renewed (as running lines at their prices), with the
timeline's choices fixed; its plan is what the independent audit checks, period by period.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import pulp

from planner.catalog.load import Catalog
from planner.catalog.pricing import Pricing
from planner.input.organization import Holding, OrgInputs
from planner.model.extract import chosen_bundles
from planner.model.options import enumerate_options
from planner.model.periods import Period, period_inputs
from planner.model.program import MONTHS, PlanningModel, build_model, unlicensed_penalty
from planner.model.timeline import Line, TimelineModel, build_timeline, line_end
from planner.results import PERIOD_COLUMNS, TIMELINE_ACTIONS, TIMELINE_COLUMNS


def units(var) -> int:
    """A solved integer variable's value (0 for None)."""
    return 0 if var is None else int(round(var.value() or 0))


@dataclass
class Decisions:
    """The timeline's choices, read once after the solve (later solves reuse variables)."""

    chosen: list[dict[tuple[str, tuple[str, ...]], int]]
    bought: list[dict[str, int]]
    kept: list[dict[int, int]]
    lines: list[tuple[Line, int]]


def read_decisions(tm: TimelineModel) -> Decisions:
    """Snapshot the solution: users per (group, bundle), units bought and kept per period."""
    chosen, bought, kept = [], [], []
    for pm in tm.models:
        m = pm.model
        chosen.append({(m.options.groups[gi].group.name, m.options.groups[gi].bundles[bi].products): u
                       for (gi, bi), u in chosen_bundles(m).items()})
        bought.append({p: units(v) for p, v in m.buy.items() if units(v)})
        kept.append({hi: units(v) for hi, v in m.keep.items()})
    lines = [(line, units(line.var)) for line in tm.lines]
    for line, q in lines:
        if line.locked_by is not None and q:
            bought[line.period][line.product] = bought[line.period].get(line.product, 0) + q
    return Decisions(chosen, bought, kept, lines)


def _purchase_action(tm: TimelineModel, t: int, product: str) -> tuple[str, str]:
    prod = tm.catalog.product(product)
    held = {h.product for h in tm.inputs.holdings if h.quantity}
    if prod.is_step_up:
        return "step-up", f"from held {' + '.join(prod.step_from)} to {prod.step_to}"
    if prod.is_onprem and product in held and tm.models[t].model.options.platform_agreement:
        return "true-up", "growth of an Enterprise Product, counted at the true-up"
    return "buy", "new purchase"


def timeline_rows(tm: TimelineModel, d: Decisions) -> list[dict]:
    """One row per period, product and action (see :data:`planner.results.TIMELINE_COLUMNS`)."""
    rows: list[dict] = []
    renewals: dict[int | None, list] = {}
    for line, q in d.lines:
        if line.kind == "renewal":
            renewals.setdefault(line.holding, []).append((line, q))

    def add(t: int, action: str, product: str, quantity: int, price: float, note: str) -> None:
        if quantity:
            rows.append(dict(period=t, action=action, product=product, quantity=quantity,
                             unit_price=round(float(price), 4), note=note))

    for pm in tm.models:
        t = pm.period.index
        for hi, h in enumerate(tm.inputs.holdings):
            if not h.quantity:
                continue
            if pm.pricing.running(h):
                until = f"until {h.ends.isoformat()}" if h.ends else "perpetual"
                add(t, "running", h.product, h.quantity, pm.pricing.holding_price(h),
                    f"held, {until}")
                continue
            before = h.quantity
            for line, q in renewals.get(hi, []):
                if t not in line.covers:
                    before = q
                    continue
                start = tm.periods[line.period].start.isoformat()
                if line.period == t:
                    what = "SA renewal" if tm.catalog.product(h.product).is_onprem else "renewal"
                    add(t, "renew", h.product, q, line.unit_price, what)
                    add(t, "drop", h.product, before - q, 0.0,
                        f"not renewed; saves {line.unit_price * MONTHS:,.2f} a unit a year")
                else:
                    add(t, "running", h.product, q, line.unit_price, f"renewed {start}")
                break
        for line, q in d.lines:
            if line.kind != "purchase" or t not in line.covers or not q:
                continue
            if line.period == t:
                action, note = _purchase_action(tm, t, line.product)
                if line.locked_by is not None:
                    note = (f"added seats at the price locked by the order of "
                            f"{tm.periods[line.locked_by].start.isoformat()}")
                add(t, action, line.product, q, line.unit_price, note)
            else:
                add(t, "running", line.product, q, line.unit_price,
                    f"bought {tm.periods[line.period].start.isoformat()}")
    order = {a: i for i, a in enumerate(TIMELINE_ACTIONS)}
    rows.sort(key=lambda r: (r["period"], order[r["action"]], r["product"]))
    return rows


def timeline_tables(tm: TimelineModel, d: Decisions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Timeline lines and the per-period summary (run-rate, cost, discounted cost)."""
    rows = timeline_rows(tm, d)
    for r in rows:
        period = tm.periods[r["period"]]
        r["start"], r["end"] = period.start.isoformat(), period.end.isoformat()
        r["product_name"] = tm.catalog.product(r["product"]).name
        r["annual_cost"] = 0.0 if r["action"] == "drop" else r["quantity"] * r["unit_price"] * MONTHS
        r["period_cost"] = r["annual_cost"] * period.years
    lines = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    summary = []
    for period, weight in zip(tm.periods, tm.weights):
        annual = float(lines.loc[lines["period"] == period.index, "annual_cost"].sum())
        summary.append(dict(period=period.index, start=period.start.isoformat(),
                            end=period.end.isoformat(), at=period.at, years=period.years,
                            annual_cost=round(annual, 2), cost=round(annual * period.years, 2),
                            discounted_cost=round(annual * weight, 2)))
    return lines, pd.DataFrame(summary, columns=PERIOD_COLUMNS)


# ------------------------------------------------------------------ per-period realized plans

def realized_holdings(tm: TimelineModel, d: Decisions, t: int) -> tuple[tuple[Holding, ...], dict[int, int]]:
    """What the organization holds in period t after the timeline's earlier choices.

    Returns the holdings and, for the workbook's holdings renewed in period t itself, the
    index each has in the returned tuple (their renewal is period t's decision).
    """
    pricing = tm.models[t].pricing
    out: list[Holding] = []
    deciding: dict[int, int] = {}
    for hi, h in enumerate(tm.inputs.holdings):
        if not h.quantity:
            continue
        if pricing.running(h):
            out.append(h)
            continue
        for line, q in d.lines:
            if line.kind == "renewal" and line.holding == hi and t in line.covers:
                if line.period == t:
                    deciding[hi] = len(out)
                    out.append(h)
                elif q:
                    started = tm.models[line.period]
                    out.append(replace(h, quantity=q, ends=line_end(tm.inputs, tm.catalog, started.period),
                                       price_list=started.pricing.price_list.id, row=None))
                break
    for line, q in d.lines:
        if line.kind == "purchase" and line.period < t and t in line.covers and q:
            started = tm.models[line.period]
            prod = tm.catalog.product(line.product)
            out.append(Holding(product=line.product, quantity=q, sa=prod.is_onprem,
                               ends=line_end(tm.inputs, tm.catalog, started.period),
                               price_list=started.pricing.price_list.id))
    return tuple(out), deciding


class RealizeError(RuntimeError):
    """A period's choice is not a plan of the organization as it stands then (a bug)."""


def realized_model(tm: TimelineModel, d: Decisions, t: int) -> tuple[OrgInputs, PlanningModel]:
    """Period t as a single-point model with the timeline's choices fixed."""
    period = tm.periods[t]
    holdings, deciding = realized_holdings(tm, d, t)
    inputs = period_inputs(tm.inputs, period, holdings)
    pricing = Pricing.for_plan(inputs, tm.catalog, period.at)
    options = enumerate_options(inputs, tm.catalog, pricing, cover_variants=True)
    m = build_model(inputs, options, pricing, tm.catalog)
    want = dict(d.chosen[t])
    for (gi, bi), var in m.users.items():
        go = m.options.groups[gi]
        value = want.pop((go.group.name, go.bundles[bi].products), 0)
        var.lowBound = var.upBound = value
    for var in m.unlicensed.values():
        var.upBound = 0
    if want:
        (group, products), _ = next(iter(want.items()))
        raise RealizeError(f"period from {period.start}: the bundle {' + '.join(products)} of "
                           f"group '{group}' is not among the options of the organization then")
    bought = dict(d.bought[t])
    for p, var in m.buy.items():
        var.lowBound = var.upBound = bought.pop(p, 0)
    if bought:
        raise RealizeError(f"period from {period.start}: {', '.join(bought)} cannot be bought then")
    renewed = tm.models[t].model.keep
    for hi, index in deciding.items():
        if index in m.keep:
            value = units(renewed.get(hi))
            m.keep[index].lowBound = m.keep[index].upBound = value
    return inputs, m


# ------------------------------------------------------------------ one point at a time

def _fix(tm: TimelineModel, values: dict[str, float], upto: int) -> None:
    """Fix every variable of the periods before ``upto`` to ``values`` (by name)."""
    tags = tuple(f"t{k}_" for k in range(upto))
    for var in tm.problem.variables():
        if var.name.startswith(tags) and var.name in values:
            var.lowBound = var.upBound = values[var.name]


def _values(tm: TimelineModel) -> dict[str, float]:
    return {var.name: round(var.value() or 0) for var in tm.problem.variables()}


def chained_path(inputs: OrgInputs, catalog: Catalog, periods: list[Period], solve) -> TimelineModel:
    """The path a planner makes one point at a time, as a solved timeline model.

    Period k is planned for its own run-rate given what periods 0..k-1 chose (and blind to
    the periods after it); the result is the full timeline with every choice fixed to that
    path, so its cost is counted exactly as the timeline's. ``solve(problem)`` runs a solver.
    """
    values: dict[str, float] = {}
    for k in range(len(periods)):
        tm = build_timeline(inputs, catalog, periods[:k + 1])
        _fix(tm, values, k)
        own = [MONTHS * line.unit_price * line.var for line in tm.lines
               if line.period == k and line.var is not None]
        pm = tm.models[k]
        penalty = unlicensed_penalty(pm.model)
        tm.problem.setObjective(pulp.lpSum(own + [penalty * v for v in pm.model.unlicensed.values()]))
        solve(tm.problem)
        values = _values(tm)
    tm = build_timeline(inputs, catalog, periods)
    _fix(tm, values, len(periods))
    solve(tm.problem)
    return tm
