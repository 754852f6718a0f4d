"""The integer program: how many users of each group hold each bundle.

``build_model`` reads like a table of contents: one ``add_*`` function per rule family,
each stating its algebra in its docstring. The families emit their rows once into a
solver-neutral :class:`~planner.model.matrix.Matrix` (column indices and coefficients);
HiGHS reads its arrays directly, and the PuLP problem (the timeline, ``--lp-file``, code
that edits bounds or objectives) is made from it on first use, with the same names.
Variables:

- ``users[g,b]`` (integer >= 0): users of group g licensed with bundle b;
- ``keep[h]`` (integer, 0..quantity): units of holding h kept (renewed, or running);
- ``buy[p]`` (integer >= 0): new units of product p;
- ``active[F]`` (binary): platform family F (desktop platform, CAL suite) is in use;
- ``unlicensed[g]`` (>= 0, heavily penalised): users no bundle could cover; non-zero
  only when the organization has no compliant plan, and then it names the group.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Hashable, TypeVar

import numpy as np
import pulp

from planner.catalog.load import Catalog
from planner.input.organization import OrgInputs
from planner.model.matrix import EQ, GE, LE, Matrix
from planner.model.options import Options
from planner.catalog.pricing import Pricing

MONTHS = 12
K = TypeVar("K", bound=Hashable)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", str(text)).strip("_")[:40] or "x"


@dataclass
class _PulpView:
    """The PuLP objects of a model, made from its matrix on first use."""

    problem: pulp.LpProblem
    variables: list[pulp.LpVariable]
    users: dict[tuple[int, int], pulp.LpVariable]
    keep: dict[int, pulp.LpVariable]
    buy: dict[str, pulp.LpVariable]
    active: dict[str, pulp.LpVariable]
    unlicensed: dict[int, pulp.LpVariable]
    demand: dict[str, pulp.LpAffineExpression]


@dataclass
class PlanningModel:
    """The built problem and the handles to read its solution.

    ``col_users``, ``col_keep``, ``col_buy``, ``col_active`` and ``col_unlicensed`` map
    each variable to its column of ``matrix``; ``users``, ``keep``, ``buy``, ``active``,
    ``unlicensed``, ``demand`` and ``problem`` are the same as PuLP objects, made on
    first use. A solve of the arrays (:func:`planner.model.solver.solve_model`) stores its
    values in ``solution`` (by column); PuLP variables made later carry them.
    """

    matrix: Matrix
    options: Options
    pricing: Pricing
    catalog: Catalog
    inputs: OrgInputs
    col_users: dict[tuple[int, int], int] = field(default_factory=dict)
    col_keep: dict[int, int] = field(default_factory=dict)
    col_buy: dict[str, int] = field(default_factory=dict)
    col_active: dict[str, int] = field(default_factory=dict)
    col_unlicensed: dict[int, int] = field(default_factory=dict)
    demand_terms: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    units: dict[int, dict[str, float]] = field(default_factory=dict)
    products_of: dict[int, tuple[str, ...]] = field(default_factory=dict)
    solution: np.ndarray | None = None
    _pulp: _PulpView | None = None

    @property
    def materialised(self) -> bool:
        """True once the PuLP objects exist (they, not the matrix, are then the model)."""
        return self._pulp is not None

    def _view(self) -> _PulpView:
        if self._pulp is None:
            problem, variables, _ = self.matrix.to_pulp()
            if self.solution is not None:
                for var, value in zip(variables, self.solution.tolist()):
                    var.varValue = value
            pick = lambda cols: {k: variables[c] for k, c in cols.items()}  # noqa: E731
            self._pulp = _PulpView(
                problem, variables, pick(self.col_users), pick(self.col_keep), pick(self.col_buy),
                pick(self.col_active), pick(self.col_unlicensed),
                {p: self.matrix.expression(t, variables) for p, t in self.demand_terms.items()})
        return self._pulp

    @property
    def problem(self) -> pulp.LpProblem:
        """The PuLP problem."""
        return self._view().problem

    @property
    def variables(self) -> list[pulp.LpVariable]:
        """The PuLP variables, by column."""
        return self._view().variables

    @property
    def users(self) -> dict[tuple[int, int], pulp.LpVariable]:
        """``users[g,b]`` as PuLP variables."""
        return self._view().users

    @property
    def keep(self) -> dict[int, pulp.LpVariable]:
        """``keep[h]`` as PuLP variables."""
        return self._view().keep

    @property
    def buy(self) -> dict[str, pulp.LpVariable]:
        """``buy[p]`` as PuLP variables."""
        return self._view().buy

    @property
    def active(self) -> dict[str, pulp.LpVariable]:
        """``active[F]`` as PuLP variables."""
        return self._view().active

    @property
    def unlicensed(self) -> dict[int, pulp.LpVariable]:
        """``unlicensed[g]`` as PuLP variables."""
        return self._view().unlicensed

    @property
    def demand(self) -> dict[str, pulp.LpAffineExpression]:
        """Per product, the units its users need, as a PuLP expression."""
        return self._view().demand

    def set_solution(self, x: np.ndarray) -> None:
        """Store the solved values by column (in the PuLP variables too, if they exist)."""
        self.solution = x
        if self._pulp is not None:
            for var, value in zip(self._pulp.variables, x.tolist()):
                var.varValue = value

    def values(self, cols: dict[K, int]) -> dict[K, float]:
        """The solved value of each column of ``cols`` (e.g. ``m.values(m.col_users)``).

        Read from ``solution`` while the model is arrays only, from the PuLP variables once
        they exist (so bounds or objectives edited there are honoured); 0 before a solve.
        """
        if self._pulp is not None:
            variables = self._pulp.variables
            return {k: variables[c].varValue or 0.0 for k, c in cols.items()}
        if self.solution is None:
            return dict.fromkeys(cols, 0.0)
        x = self.solution
        return {k: float(x[c]) for k, c in cols.items()}

    def objective_value(self) -> float:
        """The objective at ``solution`` (or at the PuLP values once materialised)."""
        if self._pulp is not None or self.solution is None:
            return float(pulp.value(self.problem.objective) or 0.0)
        return float(sum(c * self.solution[i] for i, c in self.matrix.cost.items()))


def group_units(m: PlanningModel, gi: int) -> dict[str, float]:
    """Units of each product in group ``gi``'s bundles that one user needs."""
    units = m.units.get(gi)
    if units is None:
        go = m.options.groups[gi]
        products = m.products_of.get(id(go.bundles))
        if products is None:  # groups alike share one bundle list: its products are found once
            products = m.products_of[id(go.bundles)] = tuple(
                dict.fromkeys(p for b in go.bundles for p in b.products))
        units = m.units[gi] = {p: go.per_user(m.catalog, p) for p in products}
    return units


def _demand_terms(m: PlanningModel) -> dict[str, list[tuple[int, float]]]:
    """Per product, the (users column, units per user) of every bundle holding it."""
    terms: dict[str, list] = defaultdict(list)
    for gi, go in enumerate(m.options.groups):
        units = group_units(m, gi)
        for bi, b in enumerate(go.bundles):
            col = m.col_users[gi, bi]
            for p in b.products:
                terms[p].append((col, units[p]))
    return terms


def _group_names(m: PlanningModel) -> None:
    """Readable, unique LP names for the groups (the slug, plus the index on a clash)."""
    seen: set[str] = set()
    for gi, go in enumerate(m.options.groups):
        name = _slug(go.group.name)
        if name.lower() in seen:
            name = f"{name}_{gi}"
        seen.add(name.lower())
        m.names[gi] = name


def add_variables(m: PlanningModel) -> None:
    """Create users[g,b], keep[h], buy[p], active[F] and unlicensed[g]."""
    col = m.matrix.column
    _group_names(m)
    for gi, go in enumerate(m.options.groups):
        gname = m.names[gi]
        users = go.group.users
        for bi in range(len(go.bundles)):
            m.col_users[gi, bi] = col(f"users[{gname},{bi}]", 0, users, integer=True)
        m.col_unlicensed[gi] = col(f"unlicensed[{gname}]", 0, users)
    used = {p for go in m.options.groups for b in go.bundles for p in b.products}
    for hi, h in enumerate(m.inputs.holdings):
        if h.product in used:
            m.col_keep[hi] = col(f"keep[{hi}_{h.product}]", 0, h.quantity, integer=True)
    for p in sorted(used):
        if m.pricing.buy_price(p) is not None:
            m.col_buy[p] = col(f"buy[{p}]", 0, None, integer=True)
    families = {m.catalog.product(p).family for p in used} - {""}
    for fam in sorted(families | set(m.options.committed_families)):
        m.col_active[fam] = col(f"active[{fam}]", 0, 1, integer=True)


def add_headcount(m: PlanningModel) -> None:
    """Every user is licensed exactly once: sum_b users[g,b] + unlicensed[g] = headcount[g]."""
    for gi, go in enumerate(m.options.groups):
        terms = [(m.col_users[gi, bi], 1) for bi in range(len(go.bundles))]
        terms.append((m.col_unlicensed[gi], 1))
        m.matrix.row(f"headcount[{m.names[gi]}]", terms, EQ, go.group.users)


def add_supply(m: PlanningModel) -> None:
    """Units used never exceed units kept and bought.

    For each product p: sum_h keep[h] + buy[p] >= sum_{g,b ∋ p} units_per_user[g,p] users[g,b]
    (device-licensed products count the group's devices per user). A product bought once
    per organization is written N (sum_h keep[h] + buy[p]) >= sum_{g,b ∋ p} users[g,b],
    N the headcount: one unit as soon as anyone uses it (whole coefficients, well scaled).
    A holding assigned to group X serves only X: sum_{h of p for X} keep[h] <= demand of X
    for p (rounded up).
    """
    terms = _demand_terms(m)
    for p, parts in terms.items():
        demand: dict[int, float] = {}
        for col, coef in parts:  # merged as the row merges them
            if col in demand:
                demand[col] += coef
            elif coef:
                demand[col] = coef
        m.demand_terms[p] = list(demand.items())
        supply = [m.col_keep[hi] for hi, h in enumerate(m.inputs.holdings)
                  if h.product == p and hi in m.col_keep]
        if p in m.col_buy:
            supply.append(m.col_buy[p])
        if m.catalog.product(p).basis == "organization":
            headcount = max(sum(go.group.users for go in m.options.groups), 1)
            row = [(c, headcount) for c in supply] + [(c, -1) for c, _ in parts]
            m.matrix.row(f"supply[{p}]", row, GE, 0.0)
            continue
        m.matrix.row(f"supply[{p}]", [(c, 1) for c in supply] + [(c, -u) for c, u in demand.items() if u],
                     GE, 0.0)
    by_group = defaultdict(list)
    for hi, h in enumerate(m.inputs.holdings):
        if h.group and hi in m.col_keep:
            by_group[h.group, h.product].append(m.col_keep[hi])
    index: dict[str, int] = {}
    for i, go in enumerate(m.options.groups):
        index.setdefault(go.group.name, i)
    for (gname, p), keeps in by_group.items():
        gi = index.get(gname)
        parts = [] if gi is None else [
            (m.col_users[gi, bi], m.options.groups[gi].per_user(m.catalog, p))
            for bi, b in enumerate(m.options.groups[gi].bundles) if p in b.products]
        slack = 0.999 if m.catalog.product(p).basis in ("device", "organization") else 0
        m.matrix.row(f"assigned_holding[{_slug(gname) if gi is None else m.names.get(gi, _slug(gname))},{p}]",
                     [(c, 1) for c in keeps] + [(c, -u) for c, u in parts if u], LE, slack)


def add_step_up_sources(m: PlanningModel) -> None:
    """A step-up moves an existing licence up: its sources come from running holdings.

    For each source product s: sum of users on bundles whose step-up consumes s
    <= sum of keep[h] over running holdings h of s.
    """
    step_from = {p: m.catalog.product(p).step_from for p in m.demand_terms}
    consumers: dict[str, list] = defaultdict(list)
    for (gi, bi), col in m.col_users.items():
        for p in m.options.groups[gi].bundles[bi].products:
            for src in step_from[p]:
                consumers[src].append(col)
    for src, users in consumers.items():
        running = [m.col_keep[hi] for hi, h in enumerate(m.inputs.holdings)
                   if h.product == src and hi in m.col_keep and m.pricing.running(h)]
        m.matrix.row(f"step_up_source[{src}]", [(c, 1) for c in users] + [(c, -1) for c in running], LE, 0)


def add_sa_backing(m: PlanningModel) -> None:
    """Cloud Add-ons to SA need as many on-premises licences with active SA.

    For each family F: sum of users on add-ons backed by F
    <= sum keep[h] over SA-covered holdings of F + sum buy[p] over products of F
    (new platform licences come with SA).
    """
    backing = {p: m.catalog.product(p).sa_backing for p in m.demand_terms}
    backed: dict[str, list] = defaultdict(list)
    for (gi, bi), col in m.col_users.items():
        for p in m.options.groups[gi].bundles[bi].products:
            fam = backing[p]
            if fam:
                backed[fam].append(col)
    for fam, users in backed.items():
        sa = [m.col_keep[hi] for hi, h in enumerate(m.inputs.holdings)
              if hi in m.col_keep and h.sa and m.catalog.product(h.product).family == fam]
        sa += [c for p, c in m.col_buy.items() if m.catalog.product(p).family == fam]
        m.matrix.row(f"sa_backing[{fam}]", [(c, 1) for c in users] + [(c, -1) for c in sa], LE, 0)


def add_platform_commitment(m: PlanningModel) -> None:
    """An Enterprise Agreement platform covers every qualified user or none.

    users on bundles carrying family F <= headcount * active[F]; running SA keeps
    active[F] = 1. Under EA/EAS, for each group and each held family F: users on bundles
    that owe F (a Qualified Device or Qualified User, see ``options.owed_families``) but
    do not cover it (neither a product of F nor Enterprise Online Services standing in for
    it) <= headcount * (1 - active[F]).
    """
    for fam, act in m.col_active.items():
        if fam in m.options.committed_families:
            m.matrix.row(f"running_sa[{fam}]", [(act, 1)], EQ, 1)
        for gi, go in enumerate(m.options.groups):
            users = go.group.users
            carrying = [m.col_users[gi, bi] for bi, b in enumerate(go.bundles) if fam in b.families]
            if carrying:
                m.matrix.row(f"family_in_use[{m.names[gi]},{fam}]",
                             [(c, 1) for c in carrying] + ([(act, -users)] if users else []), LE, 0)
            lacking = [m.col_users[gi, bi] for bi, b in enumerate(go.bundles)
                       if fam in b.owes and fam not in b.covers]
            if lacking:
                m.matrix.row(f"enterprise_wide[{m.names[gi]},{fam}]",
                             [(c, 1) for c in lacking] + ([(act, users)] if users else []), LE, users)


def add_seat_caps(m: PlanningModel) -> None:
    """Products with a seat cap (Business plans: 300 seats) are used within it.

    For each capped product p: demand[p] <= max_seats[p].
    """
    for p, demand in m.demand_terms.items():
        cap = m.catalog.product(p).max_seats
        if cap is not None:
            m.matrix.row(f"seat_cap[{p}]", demand, LE, cap)


def unlicensed_penalty(m: PlanningModel) -> float:
    """Cost of leaving one user unlicensed [currency/user/year].

    Above what any bundle can cost a user (every product at its dearest price, times the
    most units a user needs), yet small enough to keep the objective well scaled:
    a penalty many orders above the prices slows the solver down markedly.
    """
    prices = [m.pricing.buy_price(p) or 0.0 for p in m.col_buy]
    prices += [m.pricing.renewal_price(m.inputs.holdings[hi]) for hi in m.col_keep]
    most_units = max([1.0] + [u for gi in range(len(m.options.groups)) for u in group_units(m, gi).values()])
    return MONTHS * (sum(prices) + 1.0) * most_units * 2


def add_objective(m: PlanningModel) -> None:
    """Minimise the avoidable annual spend (running commitments are paid either way).

    cost = 12 * (sum over expiring holdings of keep[h] * renewal price
                 + sum_p buy[p] * price) + penalty * sum_g unlicensed[g]

    (see :func:`unlicensed_penalty`).
    """
    m.matrix.objective(objective_terms(m))


def objective_terms(m: PlanningModel) -> list[tuple[int, float]]:
    """The (column, cost) terms of :func:`add_objective` at ``m.pricing`` (the only part of
    the program that reads prices, apart from which products have a buy column)."""
    terms = []
    for hi, col in m.col_keep.items():
        h = m.inputs.holdings[hi]
        if not m.pricing.running(h):
            terms.append((col, MONTHS * m.pricing.renewal_price(h)))
    # A product gets a buy variable only when it has a price.
    terms += [(col, MONTHS * (m.pricing.buy_price(p) or 0.0)) for p, col in m.col_buy.items()]
    penalty = unlicensed_penalty(m)
    terms += [(col, penalty) for col in m.col_unlicensed.values()]
    return terms


def build_model(inputs: OrgInputs, options: Options, pricing: Pricing, catalog: Catalog) -> PlanningModel:
    """Build the integer program for one organization at one planning point."""
    m = PlanningModel(Matrix("licence_plan"), options, pricing, catalog, inputs)
    add_variables(m)
    add_objective(m)
    add_headcount(m)
    add_supply(m)
    add_step_up_sources(m)
    add_sa_backing(m)
    add_platform_commitment(m)
    add_seat_caps(m)
    return m
