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
from planner.model.baseline import attach_status_quo
from planner.model.deadline import Deadline, DeadlineReached
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


def _audit_periods(tm, decisions, first: Plan, solver: str | None):
    """Audit every period's plan; returns one compliance table per period.

    The later periods are re-solved with every choice fixed (no time limit: nothing is
    left to search, and the audit must run).
    """
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
            plan = extract_plan(m, solve(m.problem, solver, None))
        found = audit(inputs, tm.catalog, plan.purchase_rows, plan.assignment_rows, pm.period.at,
                      plan.annual_cost)
        if found:
            raise TimelineAuditFailed(
                f"the optimizer's timeline failed the independent audit in the period from "
                f"{pm.period.start} (please report): " + "; ".join(str(v) for v in found[:5]))
        table = compliance_table(found).frame().copy()
        table.insert(0, "period", t)
        tables.append(table)
    return tables


def _chained_total(inputs, catalog, periods, solver, deadline: Deadline) -> float:
    """Total cost of the periods planned one at a time (raises DeadlineReached)."""
    path = chained_path(inputs, catalog, periods, lambda p: solve(p, solver, deadline))
    _, summary = timeline_tables(path, read_decisions(path))
    return round(float(summary["cost"].sum()), 2)


def plan_timeline(inputs: OrgInputs, catalog: Catalog, solver: str | None = None,
                  time_limit: float | None = None, years: int = 1, lp_file=None,
                  chained: bool | None = None, progress=None) -> Plan:
    """The cheapest compliant path from ``as_of`` to ``years`` after the renewal.

    Parameters are those of :func:`planner.plan`: ``time_limit`` is one deadline for the
    whole run (the timeline's solve, then the one-point-at-a-time comparison and the
    baseline, which are skipped with a message when it runs out); ``chained`` also plans
    the periods one at a time (default: up to 40 groups) to report what planning the path
    saves; ``progress(phase, k, n)`` is told each phase.
    """
    step = progress or (lambda phase, k, n: None)
    periods = timeline_periods(inputs, catalog, years)
    step("building the timeline", 1, 1)
    tm = build_timeline(inputs, catalog, periods)
    if lp_file:
        dump_model(tm.problem, lp_file)
    deadline = Deadline(time_limit)
    step("solving the timeline", 1, 1)
    outcome: SolveOutcome = solve(tm.problem, solver, deadline)
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
    step("auditing every period", 1, 1)
    compliance = _audit_periods(tm, decisions, result, outcome.solver)
    transitions = audit_transitions(inputs, catalog, summary, lines)
    if transitions:
        raise TimelineAuditFailed("the optimizer's timeline failed the audit of its transitions "
                                  "(please report): " + "; ".join(transitions[:5]))
    timeline.compliance = compliance
    timeline.assignments = [_assignments(decisions, t) for t in range(len(periods))]
    if chained if chained is not None else len(inputs.groups) <= CHAINED_LIMIT:
        step("planning one point at a time", 1, 1)
        try:
            timeline.chained_total_cost = _chained_total(inputs, catalog, periods, outcome.solver,
                                                         deadline.sooner(outcome.seconds))
        except DeadlineReached:
            result.messages.append("time limit reached: the periods were not also planned one "
                                   "at a time")
    step("baseline", 1, 1)
    attach_status_quo(result, first_model, outcome.solver, deadline)
    result.compliance = compliance[0].drop(columns="period")
    result.timeline = timeline
    result.messages.append(f"timeline of {len(periods)} periods from {periods[0].start} to "
                           f"{periods[-1].end}: total {timeline.total_cost:,.2f} {result.currency}")
    return result


def _assignments(decisions, t: int):
    """Who holds what in period t (group, users, products), from the snapshot."""
    rows = [dict(group=g, users=u, products=tuple(products))
            for (g, products), u in sorted(decisions.chosen[t].items())]
    return pd.DataFrame(rows, columns=["group", "users", "products"])
