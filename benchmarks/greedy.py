"""Baseline: the per-persona greedy heuristic.

What an analyst with a price list and no optimizer does: give every persona the cheapest
set of *new* licences that covers its needs, one persona at a time. It is blind to

- shared holdings: it prices every bundle at new-purchase prices, so it never prefers
  a bundle because the organization already owns (or pays for) some of its products,
  and it does not check that step-up sources or SA-covered licences suffice;
- platform rules: it ignores the bundles that only exist to honour the Enterprise
  Agreement platform commitment (every qualified user or none).

The greedy choice per persona is the cheapest bundle, by the sum of buy prices times
units per user, among the planner's own compliant bundles (so per-user eligibility and
prerequisites hold) except the platform variants. It is then costed charitably with the
planner's own model: the choice is fixed
(``users[g,b]`` = headcount) and the solver only decides what to keep and buy, so running
holdings are still used for free where they fit. If the fixed choice breaks an
organization-wide rule (the platform commitment, SA backing, ...), the model is infeasible
and the greedy plan is reported as non-compliant.
"""
from __future__ import annotations

import warnings

from dataclasses import dataclass

import pulp

from planner.catalog.load import Catalog
from planner.errors import SolverError
from planner.input.organization import OrgInputs
from planner.model.program import build_model
from planner.model.options import Options, enumerate_options
from planner.catalog.pricing import Pricing
from planner.model.solver import solve


@dataclass
class GreedyResult:
    """The greedy plan: its status and its avoidable annual cost (the model's objective)."""

    status: str           # "compliant", "non-compliant" or "no-choice"
    objective: float | None
    choice: dict[str, str]
    broken: tuple[str, ...] = ()  # constraint families the greedy choice cannot satisfy


def greedy_choice(options: Options, pricing: Pricing, catalog: Catalog) -> dict[int, int]:
    """Group index -> bundle index of the cheapest new-purchase bundle of each group."""
    out = {}
    for gi, go in enumerate(options.groups):
        best = None
        for bi, b in enumerate(go.bundles):
            if b.for_commitment:
                continue
            prices = [pricing.buy_price(p) for p in b.products]
            if any(x is None for x in prices):
                continue
            cost = sum(x * go.per_user(catalog, p) for x, p in zip(prices, b.products))
            if best is None or cost < best[0] - 1e-9:
                best = (cost, bi)
        if best is not None:
            out[gi] = best[1]
    return out


def greedy_plan(inputs: OrgInputs, catalog: Catalog, at: str = "now", solver: str = "highs") -> GreedyResult:
    """Cost the greedy choice with the planner's model (see the module docstring)."""
    pricing = Pricing.for_plan(inputs, catalog, at)
    options = enumerate_options(inputs, catalog, pricing)
    choice = greedy_choice(options, pricing, catalog)
    labels = {options.groups[gi].group.name: options.groups[gi].bundles[bi].label for gi, bi in choice.items()}
    if len(choice) < sum(1 for go in options.groups if go.group.users):
        return GreedyResult("no-choice", None, labels)
    m = build_model(inputs, options, pricing, catalog)
    for (gi, bi), var in m.users.items():
        users = options.groups[gi].group.users
        if choice.get(gi) == bi:
            var.lowBound = var.upBound = users
        else:
            var.upBound = 0
    for var in m.unlicensed.values():
        var.upBound = 0
    if not _feasible(m.problem, solver):
        return GreedyResult("non-compliant", None, labels, _broken_families(m.problem, solver))
    return GreedyResult("compliant", float(pulp.value(m.problem.objective) or 0.0), labels)


FAMILIES = ("enterprise_wide", "family_in_use", "running_sa", "sa_backing", "step_up_source",
            "assigned_holding", "supply")


def _feasible(problem: pulp.LpProblem, solver: str) -> bool:
    try:
        outcome = solve(problem, solver)
    except SolverError:
        return False
    return outcome.status != "infeasible" and problem.status == pulp.LpStatusOptimal


def _broken_families(problem: pulp.LpProblem, solver: str) -> tuple[str, ...]:
    """Constraint families the fixed greedy choice breaks.

    The families whose removal alone makes it feasible; when no single one does, the
    shortest prefix of :data:`FAMILIES` whose removal together does.
    """
    with warnings.catch_warnings():  # dict access to constraints is deprecated for PuLP 4
        warnings.simplefilter("ignore", DeprecationWarning)
        return _broken_families_of(problem, solver)


def _broken_families_of(problem: pulp.LpProblem, solver: str) -> tuple[str, ...]:
    groups = {fam: {k: c for k, c in problem.constraints.items() if k.startswith(fam)} for fam in FAMILIES}
    groups = {fam: cons for fam, cons in groups.items() if cons}

    def feasible_without(fams) -> bool:
        removed = {k: c for fam in fams for k, c in groups[fam].items()}
        for k in removed:
            del problem.constraints[k]
        try:
            return _feasible(problem, solver)
        finally:
            problem.constraints.update(removed)

    single = tuple(fam for fam in groups if feasible_without([fam]))
    if single:
        return single
    fams = list(groups)
    for n in range(2, len(fams) + 1):
        if feasible_without(fams[:n]):
            return tuple(fams[:n])
    return ("headcount or coverage",)
