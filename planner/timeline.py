"""plan_timeline(): periods, build, solve, read, audit every period and the path. Nothing else.

``planner.plan(inputs, at="timeline")`` lands here. The result is the first period's
:class:`~planner.results.Plan` (its tables are what the organization does now) carrying
a :class:`~planner.results.Timeline` with every period.
"""
from __future__ import annotations

import pandas as pd

from planner.audit.checks import audit, compliance_table
from planner.audit.timeline import audit_transitions
from planner.catalog.load import Catalog
from planner.errors import NoCompliantPlan, PlannerError, Shortfall
from planner.input.organization import OrgInputs
from planner.model.baseline import compliant_status_quo
from planner.model.dump import dump_model
from planner.model.extract import extract_plan, unlicensed_users
from planner.model.periods import timeline_periods
from planner.model.solver import SolveOutcome, solve
from planner.model.timeline import build_timeline
from planner.model.timeline_plan import (RealizeError, chained_path, read_decisions, realized_model,
                                         timeline_tables)
from planner.results import Plan, Timeline

CHAINED_LIMIT = 40  # groups; past this the one-point-at-a-time comparison is skipped


class TimelineAuditFailed(PlannerError):
    """A period of the optimizer's timeline failed the independent audit (a bug; exit 2)."""

    exit_code = 2


def _raise_if_unlicensed(tm) -> None:
    out = []
    for pm in tm.models:
        for gi, users in unlicensed_users(pm.model).items():
            go = pm.model.options.groups[gi]
            out.append(Shortfall(go.group.name, ", ".join(go.needs),
                                 f"{users:.0f} users cannot be licensed from {pm.period.start} "
                                 "within the organization-wide rules and what earlier periods hold"))
    if out:
        raise NoCompliantPlan(out)


def _audit_periods(tm, decisions, first: Plan, solver: str, time_limit):
    """Audit every period's plan; returns one compliance table per period."""
    tables = []
    for pm in tm.models:
        t = pm.period.index
        if t == 0:
            inputs, plan = pm.inputs, first
        else:
            try:
                inputs, m = realized_model(tm, decisions, t)
            except RealizeError as exc:
                raise TimelineAuditFailed(f"the timeline could not be checked (please report): {exc}")
            plan = extract_plan(m, solve(m.problem, solver, time_limit))
        found = audit(inputs, tm.catalog, plan.purchases, plan.assignments, pm.period.at, plan.annual_cost)
        if found:
            raise TimelineAuditFailed(
                f"the optimizer's timeline failed the independent audit in the period from "
                f"{pm.period.start} (please report): " + "; ".join(str(v) for v in found[:5]))
        tables.append(compliance_table(found))
        tables[-1].insert(0, "period", t)
    return tables


def plan_timeline(inputs: OrgInputs, catalog: Catalog, solver: str, time_limit: float | None = None,
                  years: int = 1, lp_file=None, chained: bool | None = None) -> Plan:
    """The cheapest compliant path from ``as_of`` to ``years`` after the renewal.

    Parameters are those of :func:`planner.plan`; ``chained`` also plans the periods one
    at a time (default: up to 40 groups) to report what planning the path saves.
    """
    periods = timeline_periods(inputs, catalog, years)
    tm = build_timeline(inputs, catalog, periods)
    if lp_file:
        dump_model(tm.problem, lp_file)
    outcome: SolveOutcome = solve(tm.problem, solver, time_limit)
    if outcome.status == "infeasible":
        raise NoCompliantPlan([Shortfall("(organization)", "-", "the solver proved the timeline infeasible")])
    _raise_if_unlicensed(tm)
    decisions = read_decisions(tm)
    lines, summary = timeline_tables(tm, decisions)
    first_model = tm.models[0].model
    result = extract_plan(first_model, outcome)
    timeline = Timeline(periods=summary, lines=lines, assignments=[],
                        total_cost=round(float(summary["cost"].sum()), 2),
                        discounted_total_cost=round(float(summary["discounted_cost"].sum()), 2),
                        discount_rate=inputs.org.discount_rate or 0.0)
    compliance = _audit_periods(tm, decisions, result, outcome.solver, time_limit)
    transitions = audit_transitions(inputs, catalog, summary, lines)
    if transitions:
        raise TimelineAuditFailed("the optimizer's timeline failed the audit of its transitions "
                                  "(please report): " + "; ".join(transitions[:5]))
    timeline.compliance = compliance
    timeline.assignments = [_assignments(tm, decisions, t) for t in range(len(periods))]
    if chained if chained is not None else len(inputs.groups) <= CHAINED_LIMIT:
        path = chained_path(inputs, catalog, periods, lambda p: solve(p, outcome.solver, time_limit))
        _, chained_summary = timeline_tables(path, read_decisions(path))
        timeline.chained_total_cost = round(float(chained_summary["cost"].sum()), 2)
    quo = compliant_status_quo(first_model, outcome.solver, time_limit)
    result.current_annual_cost = round(quo.current_annual_cost, 2)
    result.baseline_annual_cost = (None if quo.baseline_annual_cost is None
                                   else round(quo.baseline_annual_cost, 2))
    result.compliance_gap = quo.gap.to_json()
    result.compliance = compliance[0].drop(columns="period")
    result.timeline = timeline
    result.messages.append(f"timeline of {len(periods)} periods from {periods[0].start} to "
                           f"{periods[-1].end}: total {timeline.total_cost:,.2f} {result.currency}")
    return result


def _assignments(tm, decisions, t: int):
    """Who holds what in period t (group, users, products), from the snapshot."""
    rows = [dict(group=g, users=u, products=" + ".join(products))
            for (g, products), u in sorted(decisions.chosen[t].items())]
    return pd.DataFrame(rows, columns=["group", "users", "products"])
