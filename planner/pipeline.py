"""plan(): options, build, solve, extract, alternatives, audit. Nothing else."""
from __future__ import annotations

from planner.audit.checks import audit, compliance_table
from planner.model.baseline import attach_status_quo
from planner.catalog.load import Catalog, load_catalog
from planner.errors import NoCompliantPlan, PlannerError, Shortfall
from planner.model.extract import chosen_bundles, extract_plan, unlicensed_users
from planner.input.organization import PLAN_AT, TIMELINE, OrgInputs
from planner.model.program import PlanningModel, build_model
from planner.model.dump import dump_model
from planner.model.options import enumerate_options
from planner.catalog.pricing import Pricing
from planner.model.robustness import check_robustness
from planner.model.alternatives import alternatives as find_alternatives
from planner.results import Plan
from planner.table import is_blank
from planner.model.deadline import Deadline, DeadlineReached
from planner.model.solver import PULP_DEFAULT_SOLVER, SolveOutcome, solve_model

ALTERNATIVES_LIMIT = 40  # groups; past this, alternatives are skipped unless asked for
ALTERNATIVES_PER_GROUP = 3


class AuditFailed(PlannerError):
    """The optimizer returned a plan the independent audit rejects (a bug; exit 2)."""

    exit_code = 2


def _raise_if_infeasible(options) -> None:
    shortfalls = [s for go in options.groups for s in go.shortfalls]
    if shortfalls:
        raise NoCompliantPlan(shortfalls)


def _raise_if_unlicensed(m: PlanningModel) -> None:
    left = unlicensed_users(m)
    if not left:
        return
    out = []
    for gi, users in left.items():
        go = m.options.groups[gi]
        out.append(Shortfall(go.group.name, ", ".join(go.needs),
                             f"{users:.0f} users cannot be licensed within the organization-wide rules "
                             "(SA-backed add-on counts, step-up sources held, holdings assigned to "
                             "other groups, the Enterprise Agreement platform commitment)"))
    raise NoCompliantPlan(out)


def plan(inputs: OrgInputs, at: str = "now", solver: str | None = None, time_limit: float | None = None,
         catalog: Catalog | None = None, alternatives: bool | None = None,
         lp_file=None, robustness: bool | None = None, years: int = 1,
         chained: bool | None = None, progress=None) -> Plan:
    """The cheapest compliant plan for ``inputs`` at planning point ``at``.

    Parameters
    ----------
    inputs : OrgInputs
        The organization (see :func:`planner.read_org`).
    at : {"now", "renewal", "timeline"}
        ``now`` treats running subscriptions and SA as paid; ``renewal`` prices keeping
        them as a choice at the renewal date; ``timeline`` plans every period from now
        through the anniversaries and the renewal to ``years`` after it in one integer
        program (:mod:`planner.timeline`; alternatives and robustness are per point and
        not computed for it).
    solver : {"highs", "cbc"}, optional
        The only solver tried. By default HiGHS, in process, with CBC as the fallback (one
        warning); the re-solves of alternatives that HiGHS's linear programs do not settle,
        and the timeline, go to CBC first.
    time_limit : float, optional
        Seconds of wall clock for the whole run (main solve, alternatives, baseline,
        robustness). When they run out the best plan found is returned (status
        ``feasible`` with its gap if the main solve was cut short) and the messages
        name what was skipped.
    catalog : Catalog, optional
        Defaults to the shipped catalog.
    alternatives : bool, optional
        Compute per-group alternatives (default: when there are at most 40 groups).
    lp_file : path, optional
        Also write the integer program there (LP format, stable readable names).
    robustness : bool, optional
        Re-solve with each estimated price at both ends of its band and flag the groups
        whose choice changes (default: as ``alternatives``).
    years : int
        With ``at="timeline"``: years planned after the renewal (at least 1).
    chained : bool, optional
        With ``at="timeline"``: also plan the periods one at a time, to report what planning
        the path saves (default: when there are at most 40 groups).
    progress : callable, optional
        Called as ``progress(phase, k, n)`` as the run advances (the CLI shows it on a
        terminal).

    Raises
    ------
    NoCompliantPlan
        When some group cannot be licensed; names the group, need and rule.
    AuditFailed
        When the independent audit rejects the optimizer's plan (a bug).
    """
    if at == TIMELINE:
        from planner.timeline import plan_timeline

        return plan_timeline(inputs, catalog or load_catalog(), solver, time_limit, years=years,
                             lp_file=lp_file, chained=chained, progress=progress)
    if at not in PLAN_AT:
        raise ValueError(f"at must be one of {PLAN_AT + (TIMELINE,)}")
    catalog = catalog or load_catalog()
    pricing = Pricing.for_plan(inputs, catalog, at)
    options = enumerate_options(inputs, catalog, pricing)
    _raise_if_infeasible(options)
    m = build_model(inputs, options, pricing, catalog)
    if lp_file:
        dump_model(m.problem, lp_file)
    deadline = Deadline(time_limit)
    if progress:
        progress("solving", 1, 1)
    outcome: SolveOutcome = solve_model(m, solver, deadline)
    result = plan_of(m, outcome)
    base_choice = chosen_choice(m)
    small = len(inputs.groups) <= ALTERNATIVES_LIMIT
    if alternatives or (alternatives is None and small):
        skipped: list[str] = []
        # the baseline solve comes after and needs about as long as the main one did
        result.alternative_rows = find_alternatives(m, m.objective_value(), solver or PULP_DEFAULT_SOLVER,
                                            deadline.sooner(outcome.seconds),
                                            ALTERNATIVES_PER_GROUP, skipped, progress,
                                            fallback=solver is None)
        _annotate_why(result)
        if skipped:
            named = ", ".join(skipped[:10]) + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else "")
            result.messages.append(f"time limit reached: alternatives skipped for {len(skipped)} "
                                   f"of {len(m.options.groups)} groups: {named}")
    elif alternatives is None:
        result.messages.append(f"alternatives skipped: more than {ALTERNATIVES_LIMIT} groups "
                               "(pass --alternatives, or alternatives=True, to compute them)")
    if progress:
        progress("baseline", 1, 1)
    attach_status_quo(result, m, outcome.solver, deadline)
    if robustness if robustness is not None else (alternatives if alternatives is not None else small):
        used = {p for go in options.groups for b in go.bundles for p in b.products}
        try:
            result.robustness_rows = check_robustness(
                inputs, catalog, at, outcome.solver, deadline, pricing, used, base_choice,
                progress=(lambda product: progress("robustness", 1, 1)) if progress else None)
            _annotate_robustness(result)
        except DeadlineReached:
            result.messages.append("time limit reached: the robustness check was skipped")
    audit_plan(inputs, catalog, at, result)
    return result


def plan_of(m: PlanningModel, outcome: SolveOutcome) -> Plan:
    """The plan tables of the solved model ``m`` (no alternatives, baseline or compliance yet).

    Raises
    ------
    NoCompliantPlan
        When the solver proved ``m`` infeasible or left users unlicensed.
    """
    if outcome.status == "infeasible":
        raise NoCompliantPlan([Shortfall("(organization)", "-", "the solver proved the model infeasible")])
    _raise_if_unlicensed(m)
    return extract_plan(m, outcome)


def audit_plan(inputs: OrgInputs, catalog: Catalog, at: str, result: Plan) -> None:
    """Fill ``result.compliance`` from the independent audit of its purchases and assignments.

    Raises
    ------
    AuditFailed
        When the audit finds a violation.
    """
    violations = audit(inputs, catalog, result.purchase_rows, result.assignment_rows, at,
                       result.annual_cost)
    result.compliance_rows = compliance_table(violations)
    if violations:
        raise AuditFailed("the optimizer's plan failed the independent audit (please report): "
                          + "; ".join(str(v) for v in violations[:5]))


def chosen_choice(m: PlanningModel) -> dict[str, frozenset[tuple[str, ...]]]:
    """Per group, the set of bundles the solved model uses."""
    out: dict[str, set[tuple[str, ...]]] = {go.group.name: set() for go in m.options.groups}
    for (gi, bi) in chosen_bundles(m):
        go = m.options.groups[gi]
        out[go.group.name].add(go.bundles[bi].products)
    return {g: frozenset(b) for g, b in out.items()}


def _annotate_robustness(result: Plan) -> None:
    """The Assignments columns ``robust`` and ``flips_at`` from the robustness table."""
    if result.robustness_rows is None:
        return
    table = {r.group: r for r in result.robustness_rows}
    robust, flips = [], []
    for r in result.assignment_rows:
        row = table.get(r.group)
        ok = row is None or bool(row.robust)
        robust.append(ok)
        flips.append("" if row is None or ok else f"{row.flips_product} at "
                     f"{row.flips_at:,.2f} {result.currency}/unit/month -> {row.flips_to}")
    result.assignment_rows = result.assignment_rows.with_columns(robust=robust, flips_at=flips)


def _annotate_why(result: Plan) -> None:
    """Append the next-best choice and its extra cost to each group's why."""
    alt = {r.group: r for r in result.alternative_rows if r.rank == 1}
    whys = []
    for r in result.assignment_rows:
        a = alt.get(r.group)
        text = r.why
        if a is not None and not is_blank(a.extra_annual_cost_per_user):
            text += (f"; next best: {a.alternative} at +{a.extra_annual_cost_per_user:,.2f} "
                     f"{result.currency}/user/year")
        elif a is not None:
            text += "; no other compliant choice"
        whys.append(text)
    result.assignment_rows = result.assignment_rows.with_columns(why=whys)
