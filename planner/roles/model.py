"""The least-privilege role model: one integer program for all people.

Per person ``p`` and role ``r`` a binary ``assign[p,r]``; per task ``t`` the person does
not need, a binary ``granted[p,t]`` (1 when some assigned role permits ``t``); per task
the person needs, a slack ``uncovered[p,t]`` that is 1 only when no allowed role set can
cover it (the Administrator / Invoice Reader conflict). The objective is lexicographic,
written as one weighted sum whose weights keep the levels apart:

1. fewest uncovered tasks;
2. fewest extra permissions (tasks granted but not needed);
3. fewest roles;
4. tie-break: keep roles the person holds today, then the catalog's role order.

People share no constraint, so one model for all of them gives the same answer as one
model each, with one solver call and stable, readable variable names.
"""
from __future__ import annotations

from dataclasses import dataclass

import pulp

from planner.roles.catalog import RoleCatalog
from planner.roles.people import Person


@dataclass(frozen=True)
class Weights:
    """Objective weights [points per unit]; each level outweighs everything below it."""

    uncovered: int
    extra: int
    role: int

    @classmethod
    def for_catalog(cls, catalog: RoleCatalog) -> Weights:
        """Weights large enough for ``catalog`` (see :func:`tie_cost` for the lowest level)."""
        n_roles, n_tasks = len(catalog.roles), len(catalog.tasks)
        tie_max = sum(1 + rank for rank in range(n_roles))
        role = tie_max + 1
        extra = n_roles * role + tie_max + 1
        return cls(uncovered=(n_tasks + 1) * extra, extra=extra, role=role)


@dataclass
class RoleModel:
    """A built (not yet solved) model and its variables, keyed by (person key, id)."""

    problem: pulp.LpProblem
    assign: dict[tuple[str, str], pulp.LpVariable]
    granted: dict[tuple[str, str], pulp.LpVariable]
    uncovered: dict[tuple[str, str], pulp.LpVariable]
    weights: Weights


def tie_cost(person: Person, catalog: RoleCatalog) -> dict[str, int]:
    """Lowest objective level per role: 0 for a role held today, else 1 + catalog rank."""
    held = set(person.current_roles or ())
    return {r.id: 0 if r.id in held else 1 + rank for rank, r in enumerate(catalog.roles)}


def add_variables(m: RoleModel, people: list[Person], catalog: RoleCatalog) -> None:
    """``assign[p,r]`` for every role; ``granted[p,t]`` for unneeded tasks;
    ``uncovered[p,t]`` for needed tasks. All binary."""
    binary = m.problem.add_variable
    for p in people:
        for r in catalog.roles:
            m.assign[p.key, r.id] = binary(f"assign[{p.key},{r.id}]", cat="Binary")
        for t in catalog.tasks:
            if t.id in p.tasks:
                m.uncovered[p.key, t.id] = binary(f"uncovered[{p.key},{t.id}]", cat="Binary")
            else:
                m.granted[p.key, t.id] = binary(f"granted[{p.key},{t.id}]", cat="Binary")


def add_coverage(m: RoleModel, people: list[Person], catalog: RoleCatalog) -> None:
    """Each needed task is permitted by an assigned role or counted as uncovered:
    sum over roles r permitting t of assign[p,r] + uncovered[p,t] >= 1."""
    for p in people:
        for t in p.tasks:
            roles = catalog.roles_permitting(t)
            m.problem += (pulp.lpSum(m.assign[p.key, r] for r in roles)
                          + m.uncovered[p.key, t] >= 1, f"cover[{p.key},{t}]")


def add_granted(m: RoleModel, people: list[Person], catalog: RoleCatalog) -> None:
    """An unneeded task counts as granted when any assigned role permits it:
    granted[p,t] >= assign[p,r] for every role r permitting t."""
    for p in people:
        for t in catalog.tasks:
            if t.id in p.tasks:
                continue
            for r in sorted(catalog.roles_permitting(t.id)):
                m.problem += (m.granted[p.key, t.id] >= m.assign[p.key, r],
                              f"grant[{p.key},{t.id},{r}]")


def add_conflicts(m: RoleModel, people: list[Person], catalog: RoleCatalog) -> None:
    """Roles that may not be held together: assign[p,a] + assign[p,b] <= 1."""
    for p in people:
        for c in catalog.conflicts:
            m.problem += (m.assign[p.key, c.role] + m.assign[p.key, c.other_role] <= 1,
                          f"conflict[{p.key},{c.role},{c.other_role}]")


def set_objective(m: RoleModel, people: list[Person], catalog: RoleCatalog) -> None:
    """Weighted sum of the four levels listed in the module docstring."""
    w = m.weights
    terms = [w.uncovered * v for v in m.uncovered.values()]
    terms += [w.extra * v for v in m.granted.values()]
    for p in people:
        ties = tie_cost(p, catalog)
        terms += [(w.role + ties[r.id]) * m.assign[p.key, r.id] for r in catalog.roles]
    m.problem += pulp.lpSum(terms)


def build_model(people: list[Person], catalog: RoleCatalog) -> RoleModel:
    """Build the least-privilege model for ``people`` (person keys must be unique)."""
    m = RoleModel(pulp.LpProblem("vl_roles", pulp.LpMinimize), {}, {}, {},
                  Weights.for_catalog(catalog))
    add_variables(m, people, catalog)
    add_coverage(m, people, catalog)
    add_granted(m, people, catalog)
    add_conflicts(m, people, catalog)
    set_objective(m, people, catalog)
    return m
