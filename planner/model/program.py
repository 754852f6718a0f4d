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


def _demand_terms(m: PlanningModel) -> dict[str, list]:
    """Per product, the (users variable, units per user) of every bundle holding it."""
    terms: dict[str, list] = defaultdict(list)
    for (gi, bi), var in m.users.items():
        go = m.options.groups[gi]
        for p in go.bundles[bi].products:
            terms[p].append((var, go.per_user(m.catalog, p)))
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
        bundles = [m.users[gi, bi] for bi in range(len(go.bundles))]
        m.problem += (pulp.lpSum(bundles) + m.unlicensed[gi] == go.group.users,
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
        m.demand[p] = pulp.lpSum(coef * var for var, coef in parts)
        supply = [m.keep[hi] for hi, h in enumerate(m.inputs.holdings) if h.product == p and hi in m.keep]
        if p in m.buy:
            supply.append(m.buy[p])
        if m.catalog.product(p).basis == "organization":
            headcount = max(sum(go.group.users for go in m.options.groups), 1)
            m.problem += (headcount * pulp.lpSum(supply) >= pulp.lpSum(var for var, _ in parts),
                          f"supply[{p}]")
            continue
        m.problem += (pulp.lpSum(supply) >= m.demand[p], f"supply[{p}]")
    by_group = defaultdict(list)
    for hi, h in enumerate(m.inputs.holdings):
        if h.group and hi in m.keep:
            by_group[h.group, h.product].append(m.keep[hi])
    for (gname, p), keeps in by_group.items():
        gi = next((i for i, go in enumerate(m.options.groups) if go.group.name == gname), None)
        parts = [] if gi is None else [
            m.users[gi, bi] * m.options.groups[gi].per_user(m.catalog, p)
            for bi, b in enumerate(m.options.groups[gi].bundles) if p in b.products]
        slack = 0.999 if m.catalog.product(p).basis in ("device", "organization") else 0
        m.problem += (pulp.lpSum(keeps) <= pulp.lpSum(parts) + slack,
                      f"assigned_holding[{m.names.get(gi, _slug(gname))},{p}]")


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
        m.problem += (pulp.lpSum(users) <= pulp.lpSum(running), f"step_up_source[{src}]")


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
        m.problem += (pulp.lpSum(users) <= pulp.lpSum(sa), f"sa_backing[{fam}]")


def add_platform_commitment(m: PlanningModel) -> None:
    """An Enterprise Agreement platform covers every qualified user or none.

    users on bundles carrying family F <= headcount * active[F]; running SA keeps
    active[F] = 1. Under EA/EAS, for each group with a qualifying primary device and each
    family F the organization holds: users on bundles with neither F nor a per-user
    platform licence (M365 E3/E5/E7) <= headcount * (1 - active[F]).
    """
    held = {m.catalog.product(h.product).family for h in m.inputs.holdings} - {""}
    for fam, act in m.active.items():
        if fam in m.options.committed_families:
            m.problem += (act == 1, f"running_sa[{fam}]")
        for gi, go in enumerate(m.options.groups):
            carrying = [m.users[gi, bi] for bi, b in enumerate(go.bundles) if fam in b.families]
            if carrying:
                m.problem += (pulp.lpSum(carrying) <= go.group.users * act,
                              f"family_in_use[{m.names[gi]},{fam}]")
            if m.options.platform_agreement and go.qualified and fam in held:
                lacking = [m.users[gi, bi] for bi, b in enumerate(go.bundles)
                           if fam not in b.families and not b.user_platform]
                if lacking:
                    m.problem += (pulp.lpSum(lacking) <= go.group.users * (1 - act),
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
    most_units = max([1.0] + [go.per_user(m.catalog, p) for go in m.options.groups
                              for b in go.bundles for p in b.products])
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
            terms.append(MONTHS * m.pricing.renewal_price(h) * var)
    terms += [MONTHS * m.pricing.buy_price(p) * var for p, var in m.buy.items()]
    penalty = unlicensed_penalty(m)
    terms += [penalty * var for var in m.unlicensed.values()]
    m.problem += pulp.lpSum(terms)


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
