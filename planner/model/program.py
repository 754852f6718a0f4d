"""The integer program: how many users of each group hold each bundle.

``build_model`` reads like a table of contents: one ``add_*`` function per rule family,
each stating its algebra in its docstring. Variables:

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

import pulp

from planner.catalog.load import Catalog
from planner.input.organization import OrgInputs
from planner.model.options import Options
from planner.catalog.pricing import Pricing

MONTHS = 12


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", str(text)).strip("_")[:40] or "x"


@dataclass
class PlanningModel:
    """The built problem and the handles to read its solution."""

    problem: pulp.LpProblem
    users: dict[tuple[int, int], pulp.LpVariable]
    keep: dict[int, pulp.LpVariable]
    buy: dict[str, pulp.LpVariable]
    active: dict[str, pulp.LpVariable]
    unlicensed: dict[int, pulp.LpVariable]
    options: Options
    pricing: Pricing
    catalog: Catalog
    inputs: OrgInputs
    demand: dict[str, pulp.LpAffineExpression] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


def _affine(terms, constant: float = 0.0) -> pulp.LpAffineExpression:
    """sum(coef * var) over ``(var, coef)`` pairs, built as one dict.

    The same expression PuLP's operators build (a zero coefficient leaves its term out,
    a repeated variable adds up), without an intermediate expression per term.
    """
    e = pulp.LpAffineExpression(constant=constant)
    for var, coef in terms:
        if var in e:
            e[var] += coef
        elif coef:
            e[var] = coef
    return e


def _row(lhs, sense: int, rhs_terms=(), constant: float = 0.0) -> pulp.LpConstraint:
    """The constraint ``sum lhs  (sense)  sum rhs_terms + constant`` as PuLP writes it."""
    terms = [(v, 1) for v in lhs] + [(v, -c) for v, c in rhs_terms if c]
    return pulp.LpConstraint(_affine(terms, 0.0 - constant), sense)


def _units(m: PlanningModel, gi: int) -> dict[str, float]:
    """Units of each product in group ``gi``'s bundles that one user needs."""
    go = m.options.groups[gi]
    return {p: go.per_user(m.catalog, p) for b in go.bundles for p in b.products}


def _demand_terms(m: PlanningModel) -> dict[str, list]:
    """Per product, the (users variable, units per user) of every bundle holding it."""
    terms: dict[str, list] = defaultdict(list)
    for gi, go in enumerate(m.options.groups):
        units = _units(m, gi)
        for bi, b in enumerate(go.bundles):
            var = m.users[gi, bi]
            for p in b.products:
                terms[p].append((var, units[p]))
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
    var = m.problem.add_variable
    _group_names(m)
    for gi, go in enumerate(m.options.groups):
        gname = m.names[gi]
        for bi, _ in enumerate(go.bundles):
            m.users[gi, bi] = var(f"users[{gname},{bi}]", 0, go.group.users, cat="Integer")
        m.unlicensed[gi] = var(f"unlicensed[{gname}]", 0, go.group.users)
    used = {p for go in m.options.groups for b in go.bundles for p in b.products}
    for hi, h in enumerate(m.inputs.holdings):
        if h.product in used:
            m.keep[hi] = var(f"keep[{hi}_{h.product}]", 0, h.quantity, cat="Integer")
    for p in sorted(used):
        if m.pricing.buy_price(p) is not None:
            m.buy[p] = var(f"buy[{p}]", 0, None, cat="Integer")
    families = {m.catalog.product(p).family for p in used} - {""}
    for fam in sorted(families | set(m.options.committed_families)):
        m.active[fam] = var(f"active[{fam}]", 0, 1, cat="Binary")


def add_headcount(m: PlanningModel) -> None:
    """Every user is licensed exactly once: sum_b users[g,b] + unlicensed[g] = headcount[g]."""
    for gi, go in enumerate(m.options.groups):
        bundles = [(m.users[gi, bi], 1) for bi in range(len(go.bundles))]
        m.problem += (pulp.LpConstraint(_affine(bundles + [(m.unlicensed[gi], 1)]), pulp.LpConstraintEQ,
                                        rhs=go.group.users),
                      f"headcount[{m.names[gi]}]")


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
        m.demand[p] = _affine(parts)
        supply = [m.keep[hi] for hi, h in enumerate(m.inputs.holdings) if h.product == p and hi in m.keep]
        if p in m.buy:
            supply.append(m.buy[p])
        if m.catalog.product(p).basis == "organization":
            headcount = max(sum(go.group.users for go in m.options.groups), 1)
            row = [(v, headcount) for v in supply] + [(var, -1) for var, _ in parts]
            m.problem += (pulp.LpConstraint(_affine(row), pulp.LpConstraintGE), f"supply[{p}]")
            continue
        m.problem += (_row(supply, pulp.LpConstraintGE, m.demand[p].items()), f"supply[{p}]")
    by_group = defaultdict(list)
    for hi, h in enumerate(m.inputs.holdings):
        if h.group and hi in m.keep:
            by_group[h.group, h.product].append(m.keep[hi])
    for (gname, p), keeps in by_group.items():
        gi = next((i for i, go in enumerate(m.options.groups) if go.group.name == gname), None)
        parts = [] if gi is None else [
            (m.users[gi, bi], m.options.groups[gi].per_user(m.catalog, p))
            for bi, b in enumerate(m.options.groups[gi].bundles) if p in b.products]
        slack = 0.999 if m.catalog.product(p).basis in ("device", "organization") else 0
        m.problem += (_row(keeps, pulp.LpConstraintLE, parts, slack),
                      f"assigned_holding[{_slug(gname) if gi is None else m.names.get(gi, _slug(gname))},{p}]")


def add_step_up_sources(m: PlanningModel) -> None:
    """A step-up moves an existing licence up: its sources come from running holdings.

    For each source product s: sum of users on bundles whose step-up consumes s
    <= sum of keep[h] over running holdings h of s.
    """
    consumers: dict[str, list] = defaultdict(list)
    for (gi, bi), var in m.users.items():
        bundle = m.options.groups[gi].bundles[bi]
        for p in bundle.products:
            for src in m.catalog.product(p).step_from:
                consumers[src].append(var)
    for src, users in consumers.items():
        running = [m.keep[hi] for hi, h in enumerate(m.inputs.holdings)
                   if h.product == src and hi in m.keep and m.pricing.running(h)]
        m.problem += (_row(users, pulp.LpConstraintLE, [(v, 1) for v in running]),
                      f"step_up_source[{src}]")


def add_sa_backing(m: PlanningModel) -> None:
    """Cloud Add-ons to SA need as many on-premises licences with active SA.

    For each family F: sum of users on add-ons backed by F
    <= sum keep[h] over SA-covered holdings of F + sum buy[p] over products of F
    (new platform licences come with SA).
    """
    backed: dict[str, list] = defaultdict(list)
    for (gi, bi), var in m.users.items():
        for p in m.options.groups[gi].bundles[bi].products:
            fam = m.catalog.product(p).sa_backing
            if fam:
                backed[fam].append(var)
    for fam, users in backed.items():
        sa = [m.keep[hi] for hi, h in enumerate(m.inputs.holdings)
              if hi in m.keep and h.sa and m.catalog.product(h.product).family == fam]
        sa += [var for p, var in m.buy.items() if m.catalog.product(p).family == fam]
        m.problem += (_row(users, pulp.LpConstraintLE, [(v, 1) for v in sa]), f"sa_backing[{fam}]")


def add_platform_commitment(m: PlanningModel) -> None:
    """An Enterprise Agreement platform covers every qualified user or none.

    users on bundles carrying family F <= headcount * active[F]; running SA keeps
    active[F] = 1. Under EA/EAS, for each group and each held family F: users on bundles
    that owe F (a Qualified Device or Qualified User, see ``options.owed_families``) but
    do not cover it (neither a product of F nor Enterprise Online Services standing in for
    it) <= headcount * (1 - active[F]).
    """
    for fam, act in m.active.items():
        if fam in m.options.committed_families:
            m.problem += (act == 1, f"running_sa[{fam}]")
        for gi, go in enumerate(m.options.groups):
            carrying = [m.users[gi, bi] for bi, b in enumerate(go.bundles) if fam in b.families]
            if carrying:
                m.problem += (_row(carrying, pulp.LpConstraintLE, [(act, go.group.users)]),
                              f"family_in_use[{m.names[gi]},{fam}]")
            lacking = [m.users[gi, bi] for bi, b in enumerate(go.bundles)
                       if fam in b.owes and fam not in b.covers]
            if lacking:
                m.problem += (_row(lacking, pulp.LpConstraintLE, [(act, -go.group.users)],
                                   go.group.users),
                              f"enterprise_wide[{m.names[gi]},{fam}]")


def add_seat_caps(m: PlanningModel) -> None:
    """Products with a seat cap (Business plans: 300 seats) are used within it.

    For each capped product p: demand[p] <= max_seats[p].
    """
    for p, demand in m.demand.items():
        cap = m.catalog.product(p).max_seats
        if cap is not None:
            m.problem += (demand <= cap, f"seat_cap[{p}]")


def unlicensed_penalty(m: PlanningModel) -> float:
    """Cost of leaving one user unlicensed [currency/user/year].

    Above what any bundle can cost a user (every product at its dearest price, times the
    most units a user needs), yet small enough to keep the objective well scaled:
    a penalty many orders above the prices slows the solver down markedly.
    """
    prices = [m.pricing.buy_price(p) or 0.0 for p in m.buy]
    prices += [m.pricing.renewal_price(m.inputs.holdings[hi]) for hi in m.keep]
    most_units = max([1.0] + [u for gi in range(len(m.options.groups)) for u in _units(m, gi).values()])
    return MONTHS * (sum(prices) + 1.0) * most_units * 2


def add_objective(m: PlanningModel) -> None:
    """Minimise the avoidable annual spend (running commitments are paid either way).

    cost = 12 * (sum over expiring holdings of keep[h] * renewal price
                 + sum_p buy[p] * price) + penalty * sum_g unlicensed[g]

    (see :func:`unlicensed_penalty`).
    """
    terms = []
    for hi, var in m.keep.items():
        h = m.inputs.holdings[hi]
        if not m.pricing.running(h):
            terms.append((var, MONTHS * m.pricing.renewal_price(h)))
    # A product gets a buy variable only when it has a price.
    terms += [(var, MONTHS * (m.pricing.buy_price(p) or 0.0)) for p, var in m.buy.items()]
    penalty = unlicensed_penalty(m)
    terms += [(var, penalty) for var in m.unlicensed.values()]
    m.problem += _affine(terms)


def build_model(inputs: OrgInputs, options: Options, pricing: Pricing, catalog: Catalog) -> PlanningModel:
    """Build the integer program for one organization at one planning point."""
    m = PlanningModel(pulp.LpProblem("licence_plan", pulp.LpMinimize), {}, {}, {}, {}, {},
                      options, pricing, catalog, inputs)
    add_variables(m)
    add_objective(m)
    add_headcount(m)
    add_supply(m)
    add_step_up_sources(m)
    add_sa_backing(m)
    add_platform_commitment(m)
    add_seat_caps(m)
    return m
