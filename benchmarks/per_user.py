"""Baseline: the per-user formulation (one binary variable per user and product).

This is the textbook way to write the licensing problem, and what the planner's
aggregated model (``users[g,b]``, one integer per persona and bundle) is measured
against. Variables:

- ``x[u,p]`` (binary): user u holds product p, for every product p the user's group may
  hold (the same candidate products as the planner: eligibility, qualifying OS, frontline,
  5-device rule, agreement, held step-up sources, platform family members);
- ``keep[h]``, ``buy[p]``, ``active[F]``: as in :mod:`planner.model.program`.

Rules covered (all the rules of :mod:`planner.model.program`, written per user):

- coverage: every need of u's group is provided by a product u holds;
- per-user prerequisites: an add-on's base product, a required need from another product,
  an SA platform family held by the same user, a step-up's source product;
- supply: units used (device-licensed products count the group's devices per user)
  <= units kept + bought; holdings assigned to a group serve only that group;
- step-up sources: step-ups <= running holdings of the source;
- SA backing: Cloud Add-ons to SA <= SA-covered on-premises licences kept or bought;
- platform: a family in use needs ``active[F]``; running SA forces ``active[F] = 1``;
  under EA/EAS every user who owes F (the planner's ``owed_families``: Qualified Devices
  always, Qualified Users by need or when holding an Enterprise Online Service) holds a
  product of F or a stand-in capability set (rules/platform_cover.csv) when
  ``active[F] = 1``;
- objective: the same avoidable annual spend as the planner.

What it does not do: name infeasibility (no ``unlicensed`` slack; the benchmark orgs are
feasible) or produce plan tables. It shares the candidate-product filter with the
planner (``planner.model.options._candidates``), so a difference in optimum can only come from
the formulation (bundle enumeration, minimality, dominance pruning), not from eligibility.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import pulp

from planner.catalog.load import Catalog
from planner.input.organization import OrgInputs
from planner.model.program import MONTHS
from planner.model.options import Owed, _candidates, _family_members, enumerate_options
from planner.catalog.pricing import Pricing


@dataclass
class PerUserResult:
    """Outcome of one per-user solve."""

    status: str
    objective: float | None
    variables: int
    constraints: int
    build_seconds: float
    solve_seconds: float


def build_per_user(inputs: OrgInputs, catalog: Catalog, pricing: Pricing) -> tuple[pulp.LpProblem, int]:
    """The per-user integer program and its number of user-product variables."""
    prob = pulp.LpProblem("per_user", pulp.LpMinimize)
    agreement = inputs.org.agreement
    options = enumerate_options(inputs, catalog, pricing)  # org-level facts only
    family_members = _family_members(catalog, inputs, pricing)
    committed = options.committed_families
    held_fams = {catalog.product(h.product).family for h in inputs.holdings} - {""}
    provides = {p: catalog.provides(p, agreement) for p in catalog.product_ids}
    prod = {p: catalog.product(p) for p in catalog.product_ids}

    x: dict[tuple[int, str], pulp.LpVariable] = {}
    used_units: dict[str, dict] = defaultdict(dict)        # product -> {var: units}
    group_units: dict[tuple[str, str], dict] = defaultdict(dict)
    step_users: dict[str, list] = defaultdict(list)         # source -> vars
    backed: dict[str, list] = defaultdict(list)             # family -> vars
    in_family: dict[str, list] = defaultdict(list)
    uid = 0
    constraints = []
    qualified_users: list[tuple[dict[str, pulp.LpVariable], Owed]] = []
    for go in options.groups:
        g = go.group
        cands, _ = _candidates(catalog, inputs, g, pricing, family_members, committed)
        for _ in range(g.users):
            xs = {p: prob.add_variable(f"x[{uid},{p}]", 0, 1, cat="Binary") for p in cands}
            for p, v in xs.items():
                x[uid, p] = v
                units = g.device_count / g.users if prod[p].basis == "device" else 1.0
                used_units[p][v] = units
                group_units[g.name, p][v] = units
                for src in prod[p].step_from:
                    step_users[src].append(v)
                if prod[p].sa_backing:
                    backed[prod[p].sa_backing].append(v)
                if prod[p].family:
                    in_family[prod[p].family].append(v)
            for need in go.needs:
                constraints.append(pulp.lpSum(v for p, v in xs.items() if need in provides[p]) >= 1)
            for p, v in xs.items():
                r = prod[p]
                if r.requires_products:
                    # any one alternative, each a set of products held together
                    alts = []
                    for ai, alt in enumerate(r.requires_products):
                        if alt <= set(xs):
                            y = prob.add_variable(f"base[{uid},{p},{ai}]", 0, 1, cat="Binary")
                            constraints += [y <= xs[q] for q in alt]
                            alts.append(y)
                    constraints.append(v <= pulp.lpSum(alts))
                for need in r.requires_needs:
                    constraints.append(v <= pulp.lpSum(w for q, w in xs.items() if q != p and need in provides[q]))
                for fam in r.requires_families:
                    constraints.append(v <= pulp.lpSum(xs[q] for q in family_members.get(fam, ()) if q in xs))
                for src in r.step_from:
                    constraints.append(v <= (xs[src] if src in xs else 0))
            if go.owed.always or go.owed.with_eos:
                qualified_users.append((xs, go.owed))
            uid += 1
    keep = {hi: prob.add_variable(f"keep[{hi}]", 0, h.quantity, cat="Integer")
            for hi, h in enumerate(inputs.holdings) if h.product in used_units}
    buy = {p: prob.add_variable(f"buy[{p}]", 0, None, cat="Integer")
           for p in sorted(used_units) if pricing.buy_price(p) is not None}
    families = {prod[p].family for p in used_units} - {""}
    active = {f: prob.add_variable(f"active[{f}]", 0, 1, cat="Binary") for f in sorted(families | set(committed))}
    for p, terms in used_units.items():
        supply = [keep[hi] for hi, h in enumerate(inputs.holdings) if h.product == p and hi in keep]
        supply += [buy[p]] if p in buy else []
        constraints.append(pulp.lpSum(supply) >= pulp.LpAffineExpression(terms))
    for hi, h in enumerate(inputs.holdings):
        if h.group and hi in keep:
            slack = 0.999 if prod[h.product].basis == "device" else 0
            terms = group_units.get((h.group, h.product), {})
            constraints.append(keep[hi] <= pulp.LpAffineExpression(terms) + slack)
    for src, vs in step_users.items():
        running = [keep[hi] for hi, h in enumerate(inputs.holdings)
                   if h.product == src and hi in keep and pricing.running(h)]
        constraints.append(pulp.lpSum(vs) <= pulp.lpSum(running))
    for fam, vs in backed.items():
        sa = [keep[hi] for hi, h in enumerate(inputs.holdings) if hi in keep and h.sa and prod[h.product].family == fam]
        sa += [v for p, v in buy.items() if prod[p].family == fam]
        constraints.append(pulp.lpSum(vs) <= pulp.lpSum(sa))
    for fam, act in active.items():
        if fam in committed:
            constraints.append(act == 1)
        for v in in_family.get(fam, []):
            constraints.append(v <= act)
    ways = {f: {w for p in family_members.get(f, ()) for w in catalog.platform_cover.get(p, ())}
            for f in held_fams}
    for n, (xs, owed) in enumerate(qualified_users):
        eos = [v for p, v in xs.items() if catalog.enterprise_online_service(p)]
        for fam in sorted(owed.always | owed.with_eos):
            if fam not in active:
                continue
            if fam in owed.always:
                owes: pulp.LpVariable | int = 1
            else:  # owed only by a user who holds an Enterprise Online Service
                owes = prob.add_variable(f"owes[{n},{fam}]", 0, 1, cat="Binary")
                constraints += [owes >= v for v in eos]
            cover = [v for p, v in xs.items() if prod[p].family == fam]
            for wi, way in enumerate(sorted(ways[fam], key=sorted) if owed.online else []):
                z = prob.add_variable(f"stand_in[{n},{fam},{wi}]", 0, 1, cat="Binary")
                constraints += [z <= pulp.lpSum(v for p, v in xs.items() if c in provides[p])
                                for c in way]
                cover.append(z)
            constraints.append(pulp.lpSum(cover) >= active[fam] + owes - 1)
    objective = [MONTHS * pricing.renewal_price(inputs.holdings[hi]) * v
                 for hi, v in keep.items() if not pricing.running(inputs.holdings[hi])]
    objective += [MONTHS * pricing.buy_price(p) * v for p, v in buy.items()]
    prob += pulp.lpSum(objective)
    for i, c in enumerate(constraints):
        prob.addConstraint(c, f"c{i}")
    return prob, len(x)


def solve_per_user(inputs: OrgInputs, catalog: Catalog, at: str = "now", solver: str = "highs",
                   time_limit: float | None = None) -> PerUserResult:
    """Build and solve the per-user formulation; times both steps."""
    start = time.perf_counter()
    pricing = Pricing.for_plan(inputs, catalog, at)
    prob, n = build_per_user(inputs, catalog, pricing)
    built = time.perf_counter()
    from planner.errors import SolverError
    from planner.model.solver import solve

    try:
        status = solve(prob, solver, time_limit).status
    except SolverError:  # no plan within the time limit (from either solver)
        status = "no plan in time"
    done = time.perf_counter()
    value = pulp.value(prob.objective) if status in ("optimal", "feasible") else None
    return PerUserResult(status, None if value is None else float(value), n,
                         prob.numConstraints(), built - start, done - built)
