"""The timeline: one integer program over every period from now to after the renewal.

Each period is the single-point model of its date (:func:`planner.model.program.build_model`
on the organization as it stands then, :mod:`planner.model.periods`), built into one
problem with its names prefixed ``t<k>_``. What ties the periods together are *lines*:

- a **purchase** ``buy[t,p]`` is committed from period t to the line's end (the renewal
  under an Enterprise Agreement, whose lines are coterminous; the term otherwise) and
  supplies every period it covers: it is added to the later periods' supply, step-up
  source and SA-backing rows; under a price lock, seats added later in the term to a
  product first ordered in the timeline may keep that order's price (``buy_locked``);
- a holding that has ended is **renewed** at its first period after the end: ``keep[t,h]``
  is paid for the renewed term and bounds the units usable in the periods it covers; a
  later renewal never exceeds the one before (a dropped licence, or SA, does not return);
- a holding still running is paid either way (committed) and usable up to its quantity;
- under an Enterprise Agreement a platform family in use stays in use for the rest of
  the term, and (without the catalog's ``new_enterprise_products_midterm``) a family
  not in use cannot start mid-term.

The objective is the total cost over the horizon: each line's unit price times its units
times the years it covers, discounted by ``discount_rate`` per year from ``as_of``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pulp

from planner.catalog.load import Catalog
from planner.catalog.pricing import Pricing
from planner.errors import NoCompliantPlan
from planner.input.organization import OrgInputs
from planner.model.options import enumerate_options
from planner.dates import add_years, year_fraction
from planner.model.periods import Period, period_inputs, platform_placeholders, term_years
from planner.model.program import MONTHS, PlanningModel, build_model, unlicensed_penalty


@dataclass
class PeriodModel:
    """One period's single-point model inside the timeline problem."""

    period: Period
    inputs: OrgInputs
    pricing: Pricing
    model: PlanningModel


@dataclass
class Line:
    """Units bought or renewed in one period and paid over the periods they cover.

    ``kind`` is ``purchase`` (``product`` bought in ``period``) or ``renewal`` (holding
    ``holding`` renewed in ``period``); ``var`` is the decision variable (None when the
    period's model has none: nothing can be bought or renewed there).
    """

    kind: str
    product: str
    period: int
    covers: tuple[int, ...]
    unit_price: float
    var: pulp.LpVariable | None
    holding: int | None = None
    locked_by: int | None = None


@dataclass
class TimelineModel:
    """The built timeline problem and the handles to read its solution."""

    problem: pulp.LpProblem
    periods: list[Period]
    models: list[PeriodModel]
    inputs: OrgInputs
    catalog: Catalog
    lines: list[Line] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)


def _agreement_lines(inputs: OrgInputs, catalog: Catalog) -> bool:
    """True when new lines are coterminous with the agreement (EA/EAS)."""
    return inputs.org.agreement in catalog.platform_rules["platform_agreements"].split(";")


def line_end(inputs: OrgInputs, catalog: Catalog, period: Period) -> date:
    """When a line bought or renewed at the start of ``period`` ends."""
    if _agreement_lines(inputs, catalog):
        return period.renewal if period.at == "now" else add_years(period.start, term_years(inputs, catalog))
    return add_years(period.start, max(1, term_years(inputs, catalog)))


def covered(periods: list[Period], start: int, end: date) -> tuple[int, ...]:
    """Indices of the periods from ``start`` on that begin before ``end``."""
    return tuple(p.index for p in periods[start:] if p.start < end)


def period_weights(inputs: OrgInputs, periods: list[Period]) -> list[float]:
    """Years in each period, discounted to ``as_of`` at the organization's discount rate."""
    rate = inputs.org.discount_rate or 0.0
    return [p.years / (1 + rate) ** year_fraction(inputs.org.as_of, p.start) for p in periods]


def _prefix(problem: pulp.LpProblem, m: PlanningModel, tag: str) -> None:
    """Move the period model's rows into the timeline problem, names prefixed by ``tag``."""
    for constraint in m.problem.constraints():
        problem.addConstraint(constraint, name=f"{tag}{constraint.name}")
    for table in (m.users, m.keep, m.buy, m.active, m.unlicensed):
        for var in table.values():
            var.name = f"{tag}{var.name}"


def build_period_models(inputs: OrgInputs, catalog: Catalog, periods: list[Period]) -> list[PeriodModel]:
    """The single-point model of every period (raises NoCompliantPlan naming the period)."""
    out = []
    for period in periods:
        extra = platform_placeholders(inputs, catalog, period)
        view = period_inputs(inputs, period, inputs.holdings + extra)
        pricing = Pricing.for_plan(view, catalog, period.at)
        options = enumerate_options(view, catalog, pricing)
        shortfalls = [replace(s, reason=f"{s.reason} (in the period from {period.start})")
                      if period.index else s
                      for go in options.groups for s in go.shortfalls]
        if shortfalls:
            raise NoCompliantPlan(shortfalls)
        out.append(PeriodModel(period, view, pricing, build_model(view, options, pricing, catalog)))
    return out


def _add_to_row(m: PlanningModel, row: str, var: pulp.LpVariable) -> None:
    """Add ``var`` to the supply side (left of ``>=``, right of ``<=``) of one row."""
    # PuLP stores row names with its illegal characters ("[", "]", ...) replaced.
    constraint = m.problem.get_constraint_by_name(row.translate(pulp.LpElement.trans))
    if constraint is None:
        return
    if constraint.sense == pulp.LpConstraintGE:
        constraint.addInPlace(var)
    else:
        constraint.subInPlace(var)


def _supply(tm: TimelineModel, line: Line, periods) -> None:
    """Count a purchase line's units as supply of its product in ``periods``."""
    fam = tm.catalog.product(line.product).family
    for t in periods:
        m = tm.models[t].model
        _add_to_row(m, f"supply[{line.product}]", line.var)
        _add_to_row(m, f"step_up_source[{line.product}]", line.var)
        if fam:
            _add_to_row(m, f"sa_backing[{fam}]", line.var)


def add_purchase_lines(tm: TimelineModel) -> None:
    """New units of period t serve every period their line covers."""
    inputs, catalog = tm.inputs, tm.catalog
    for pm in tm.models:
        t = pm.period.index
        covers = covered(tm.periods, t, line_end(inputs, catalog, pm.period))
        for p, var in pm.model.buy.items():
            line = Line("purchase", p, t, covers, pm.pricing.buy_price(p) or 0.0, var)
            tm.lines.append(line)
            _supply(tm, line, covers[1:])


def add_price_locks(tm: TimelineModel) -> None:
    """Under a price lock, seats added mid-term keep the price of the product's first order.

    For a product first bought in period s (``ordered[s,p]`` = 1 needs buy[s,p] >= 1) and
    priced higher in a later period t of the same term, ``buy_locked[t,p,s]`` units may be
    added at period s's price: buy_locked <= big * ordered[s,p]. The workbook's own running
    lines are locked by each period's pricing already (:meth:`Pricing.locked_line`).
    """
    agreements = tm.catalog.platform_rules.get("price_lock_agreements", "").split(";")
    if tm.inputs.org.agreement not in agreements:
        return
    ordered: dict[tuple[int, str], pulp.LpVariable] = {}
    for pm in tm.models:
        t = pm.period.index
        if pm.period.at == "renewal":
            continue
        big = sum(go.group.users * max(1, go.group.devices_per_user, go.group.devices or 0)
                  for go in pm.model.options.groups) + 1
        for p in sorted(pm.model.buy):
            price = pm.pricing.buy_price(p)
            if price is None or tm.catalog.product(p).is_step_up or p in pm.pricing.overrides:
                continue
            for first in [x for x in tm.lines if x.kind == "purchase" and x.product == p
                          and x.locked_by is None and x.period < t and t in x.covers
                          and x.unit_price < price - 1e-9]:
                key = (first.period, p)
                if key not in ordered:
                    ordered[key] = tm.problem.add_variable(f"t{first.period}_ordered[{p}]", 0, 1, cat="Binary")
                    tm.problem += (ordered[key] <= first.var, f"t{first.period}_ordered_if_bought[{p}]")
                var = tm.problem.add_variable(f"t{t}_buy_locked[{p},{first.period}]", 0, None, cat="Integer")
                tm.problem += (var <= big * ordered[key], f"t{t}_locked_if_ordered[{p},{first.period}]")
                line = Line("purchase", p, t, first.covers[first.covers.index(t):], first.unit_price,
                            var, locked_by=first.period)
                tm.lines.append(line)
                _supply(tm, line, line.covers)


def add_renewal_lines(tm: TimelineModel) -> None:
    """Ended holdings are renewed at most to what the line held before, and paid per term."""
    inputs, catalog = tm.inputs, tm.catalog
    for hi, h in enumerate(inputs.holdings):
        anchor: Line | None = None
        for pm in tm.models:
            t = pm.period.index
            var = pm.model.keep.get(hi)
            if pm.pricing.running(h):
                continue
            if anchor is not None and t in anchor.covers:
                _bound_by(tm, var, anchor.var, f"t{t}_renewed[{hi}]")
                continue
            line = Line("renewal", h.product, t, covered(tm.periods, t, line_end(inputs, catalog, pm.period)),
                        pm.pricing.renewal_price(h), var, hi)
            if anchor is not None:
                _bound_by(tm, var, anchor.var, f"t{t}_renewal_at_most[{hi}]")
            tm.lines.append(line)
            anchor = line


def _bound_by(tm: TimelineModel, var, bound, name: str) -> None:
    """``var <= bound`` (``bound`` None: no line to draw from, so ``var`` is 0)."""
    if var is None:
        return
    if bound is None:
        var.upBound = 0
    else:
        tm.problem += (var <= bound, name)


def add_platform_continuity(tm: TimelineModel) -> None:
    """Within a term an EA platform in use stays in use, and (rule N) none starts mid-term.

    active[t,F] >= active[t-1,F] for every period t that is not a renewal; with the
    catalog rule ``new_enterprise_products_midterm`` = N also active[t,F] <= active[t-1,F].
    """
    if not _agreement_lines(tm.inputs, tm.catalog):
        return
    no_new = tm.catalog.platform_rules.get("new_enterprise_products_midterm", "Y") == "N"
    for before, pm in zip(tm.models, tm.models[1:]):
        if pm.period.at == "renewal":
            continue
        t = pm.period.index
        for fam, act in pm.model.active.items():
            prev = before.model.active.get(fam)
            if prev is None:
                if no_new:
                    act.upBound = 0
                continue
            tm.problem += (act >= prev, f"t{t}_platform_stays[{fam}]")
            if no_new:
                tm.problem += (act <= prev, f"t{t}_no_new_platform[{fam}]")


def add_timeline_objective(tm: TimelineModel) -> None:
    """Minimise the avoidable cost over the horizon.

    cost = 12 * sum over lines of unit price * units * (discounted years covered)
           + sum_t penalty_t * years_t * unlicensed_t
    """
    terms = []
    for line in tm.lines:
        if line.var is not None:
            years = sum(tm.weights[t] for t in line.covers)
            terms.append(MONTHS * line.unit_price * years * line.var)
    for pm, weight in zip(tm.models, tm.weights):
        penalty = unlicensed_penalty(pm.model) * max(weight, 1e-3)
        terms += [penalty * var for var in pm.model.unlicensed.values()]
    tm.problem += pulp.lpSum(terms)


def build_timeline(inputs: OrgInputs, catalog: Catalog, periods: list[Period]) -> TimelineModel:
    """Build the timeline integer program over ``periods``."""
    models = build_period_models(inputs, catalog, periods)
    problem = pulp.LpProblem("licence_timeline", pulp.LpMinimize)
    tm = TimelineModel(problem, periods, models, weights=period_weights(inputs, periods),
                       inputs=inputs, catalog=catalog)
    add_purchase_lines(tm)
    add_price_locks(tm)
    add_renewal_lines(tm)
    for pm in models:
        _prefix(problem, pm.model, f"t{pm.period.index}_")
    add_platform_continuity(tm)
    add_timeline_objective(tm)
    return tm
