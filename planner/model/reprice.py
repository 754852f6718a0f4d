"""Plans at many price points of one organization from one model (price sweeps, issue 15).

Points that differ only in prices (negotiated prices, the discount, a price list that
changes no product's availability) share everything but the objective:

- the options are enumerated once for all the points (``enumerate_options(..., also=)``):
  a price-dependent pruning is applied only where it holds at every point, so each point's
  optimum and status quo are among them (the argument is in that function's docstring);
- the integer program is built once, and the only part of it that reads prices, the
  objective (:func:`planner.model.program.objective_terms`), is recomputed per point;
- alike groups are merged once (:mod:`planner.model.aggregate`, exact), and the merged
  program and its status-quo restriction are each kept in one
  :class:`~planner.model.solver.Resolver`, which starts every solve from the last point's
  (CBC's ``warmStart``, HiGHS's basis);
- each point then goes through the same extract, baseline and audit as
  :func:`planner.plan` (``plan_of``, ``status_quo_from``, ``audit_plan``).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from planner.catalog.load import Catalog
from planner.catalog.pricing import Pricing
from planner.input.organization import OrgInputs
from planner.model.aggregate import alike_groups, spread
from planner.model.baseline import StatusQuo, attach_status_quo, status_quo_bundles, status_quo_from, status_quo_terms
from planner.model.deadline import Deadline
from planner.model.options import enumerate_options
from planner.model.program import PlanningModel, build_model, objective_terms
from planner.model.solver import Resolver
from planner.results import Plan



def price_signature(pricing: Pricing) -> tuple:
    """What price points must share to be planned from one model: the planning point and
    date, and which products can be bought."""
    catalog = pricing.catalog
    return (pricing.at, pricing.on, tuple(pricing.buy_price(p) is None for p in catalog.product_ids))


class PriceSweep:
    """One organization planned at several price points from one model.

    Parameters
    ----------
    points : sequence of OrgInputs
        The organization at each point; they differ only in prices (the Prices sheet,
        ``discount_pct``, ``price_list``) and share :func:`price_signature`.
    catalog : Catalog
    at : {"now", "renewal"}
    pricings : sequence of Pricing, optional
        The pricing of each point, when it is not the organization's own (the robustness
        check scales estimated catalog prices: ``Pricing.for_plan(..., scale)``).

    ``feasible`` is False when some group has no compliant bundle at all; :meth:`plan` is
    then not to be used (:func:`planner.plan` names the shortfalls).
    """

    def __init__(self, points: Sequence[OrgInputs], catalog: Catalog, at: str,
                 pricings: Sequence[Pricing] | None = None):
        self.points = list(points)
        self.catalog, self.at = catalog, at
        self.pricings = (list(pricings) if pricings is not None
                         else [Pricing.for_plan(inputs, catalog, at) for inputs in self.points])
        first = self.points[0]
        options = enumerate_options(first, catalog, self.pricings[0], also=self.pricings[1:])
        self.feasible = not any(go.shortfalls for go in options.groups)
        self.model = build_model(first, options, self.pricings[0], catalog)
        self.reduction = alike_groups(self.model)
        self.reduced = (build_model(first, self.reduction.options, self.pricings[0], catalog)
                        if self.reduction.merges else self.model)
        self._plans = Resolver(self.reduced.matrix)

    @cached_property
    def _quo(self) -> Resolver:
        """The merged model restricted to the status quo (made when a plan first needs it)."""
        return Resolver(self.reduced.matrix, self._status_quo_bounds())

    def _status_quo_bounds(self) -> dict[int, float]:
        """Upper bound 0 on the merged model's bundles the status quo does not allow.

        Groups with assigned holdings, the only ones the status quo restricts, are never
        merged (:func:`~planner.model.aggregate.alike_groups`).
        """
        allowed = status_quo_bundles(self.model)
        upper: dict[int, float] = {}
        for ri, members in enumerate(self.reduction.members):
            for gi in members:
                barred = [bi for bi in range(len(self.model.options.groups[gi].bundles))
                          if bi not in allowed[gi]]
                if barred and len(members) > 1:
                    raise AssertionError("a merged group has a restricted status quo")
                for bi in barred:
                    upper[self.reduced.col_users[ri, bi]] = 0.0
        return upper

    def _at_point(self, k: int) -> None:
        for m in {id(self.model): self.model, id(self.reduced): self.reduced}.values():
            m.inputs, m.pricing = self.points[k], self.pricings[k]

    def _load(self, x: np.ndarray | None) -> None:
        """The full model's values from the merged model's ``x``."""
        if x is not None:
            self.model.set_solution(spread(x, self.reduced, self.model, self.reduction)
                                    if self.reduction.merges else x)

    def _costs(self, terms) -> np.ndarray:
        cost = np.zeros(len(self.reduced.matrix.col_names))
        for col, coef in terms:
            cost[col] += coef
        return cost

    def _status_quo(self, m: PlanningModel, solver: str, deadline) -> StatusQuo:
        """:func:`~planner.model.baseline.compliant_status_quo` on the kept status-quo model."""
        _, x = self._quo.solve(self._costs(status_quo_terms(self.reduced)), solver, deadline)
        full = None
        if x is not None:
            full = spread(x, self.reduced, m, self.reduction) if self.reduction.merges else x
        return status_quo_from(m, full)

    def solved(self, k: int, solver: str | None = None, time_limit=None) -> PlanningModel | None:
        """The full model with the optimum at point ``k`` loaded (None without a plan).

        Only the optimization: no extraction, baseline or audit (the robustness check
        reads which bundles each group uses).
        """
        self._at_point(k)
        outcome, x = self._plans.solve(self._costs(objective_terms(self.reduced)), solver,
                                       Deadline.of(time_limit))
        if x is None or outcome.status not in ("optimal", "feasible"):
            return None
        self._load(x)
        return self.model

    def plan(self, k: int, solver: str | None = None, time_limit: float | None = None) -> Plan:
        """The plan at point ``k``, as :func:`planner.plan` with ``alternatives=False`` gives it.

        Raises
        ------
        NoCompliantPlan, AuditFailed, DeadlineReached, SolverError
            As :func:`planner.plan`.
        """
        from planner.pipeline import audit_plan, plan_of

        self._at_point(k)
        deadline = Deadline(time_limit)
        outcome, x = self._plans.solve(self._costs(objective_terms(self.reduced)), solver, deadline)
        self._load(x)
        result = plan_of(self.model, outcome)
        attach_status_quo(result, self.model, outcome.solver, deadline, self._status_quo)
        audit_plan(self.points[k], self.catalog, self.at, result)
        return result
