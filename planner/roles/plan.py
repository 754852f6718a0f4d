"""``plan_roles``: build, solve, extract, explain and review, for every person.

Data flow: ``people --build_model--> RoleModel --solve--> values --extract--> RolePlan``.
A person whose tasks no allowed role set covers stops the plan with :class:`RoleConflict`
(exit code 1), naming the person, the tasks and the rule.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.errors import PlannerError
from planner.roles.catalog import RoleCatalog
from planner.roles.model import build_model
from planner.roles.people import Person
from planner.roles.review import Finding, review, score
from planner.roles.solve import solve


@dataclass(frozen=True)
class PersonPlan:
    """The least-privilege roles of one person, why, and the review of today's roles."""

    person: Person
    roles: tuple[str, ...]
    extra: tuple[str, ...]
    why: str
    finding: Finding | None

    def to_dict(self, catalog: RoleCatalog) -> dict:
        """Plain JSON-ready record (ids, plus display names of the roles)."""
        p, f = self.person, self.finding
        record = {
            "person": p.person, "email": p.email, "license_id": p.license_id, "row": p.row,
            "tasks": list(p.tasks), "roles": list(self.roles),
            "role_names": catalog.role_names(self.roles), "extra_tasks": list(self.extra),
            "why": self.why,
            "current_roles": None if p.current_roles is None else list(p.current_roles),
            "verdict": None if f is None else f.verdict,
        }
        if f is not None:
            record.update(flags=list(f.flags), missing_tasks=list(f.missing),
                          unneeded_tasks=list(f.extra), add_roles=list(f.add),
                          remove_roles=list(f.remove), notes=list(f.notes))
        return record


@dataclass(frozen=True)
class RolePlan:
    """Plans for every person, in input order."""

    status: str
    people: tuple[PersonPlan, ...]

    def flagged(self) -> list[PersonPlan]:
        """People whose current roles need a change."""
        return [p for p in self.people if p.finding is not None and p.finding.flags]

    def to_dict(self, catalog: RoleCatalog) -> dict:
        """The ``--json`` object: status, summary counts and one record per person."""
        return {
            "status": self.status,
            "summary": {"people": len(self.people), "flagged": len(self.flagged()),
                        "role_counts": {r.name: sum(r.id in p.roles for p in self.people)
                                        for r in catalog.roles}},
            "people": [p.to_dict(catalog) for p in self.people],
        }

    def frame(self, catalog: RoleCatalog) -> pd.DataFrame:
        """One row per person (for notebooks)."""
        return pd.DataFrame([p.to_dict(catalog) for p in self.people])


@dataclass(frozen=True)
class Blocked:
    """A person with no compliant role set: tasks each side of a role conflict."""

    person: Person
    file: str
    sheet: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    reason: str
    source: str

    def __str__(self) -> str:
        p = self.person
        where = ", ".join(x for x in (self.file, f"sheet {self.sheet}" if self.sheet else "",
                                      f"row {p.row}" if p.row else "") if x)
        sides = " and ".join(f"{', '.join(tasks)} {'need' if len(tasks) > 1 else 'needs'} "
                             f"{role}" for role, tasks in self.groups)
        text = (f"person '{p.person}' has no compliant role set: {sides}, but "
                f"{self.reason} ({self.source}); give these tasks to different people")
        return f"{where}: {text}" if where else text


class RoleConflict(PlannerError):
    """Some people need tasks that no allowed combination of roles covers (exit code 1)."""

    exit_code = 1

    def __init__(self, blocked: list[Blocked]):
        self.blocked = blocked
        super().__init__("\n".join(str(b) for b in blocked))

    def lines(self) -> list[str]:
        """One line per blocked task, as printed."""
        return [str(b) for b in self.blocked]


def explain(person: Person, roles, catalog: RoleCatalog) -> str:
    """Why these roles: the needed tasks each covers, and what else they grant."""
    if not person.tasks:
        return "needs no VL task, so no VL role"
    parts = []
    for r in catalog.roles:
        if r.id in roles:
            covers = [t for t in person.tasks if t in r.tasks]
            only = [t for t in covers if catalog.roles_permitting(t) == {r.id}]
            text = f"{r.name} for {', '.join(covers)}"
            if only:
                text += f" (only role permitting {', '.join(only)})"
            parts.append(text)
    unneeded = score(roles, person.tasks, catalog).extra
    extra = [t.id for t in catalog.tasks if t.id in unneeded]
    if extra:
        parts.append(f"also grants {', '.join(extra)}: no allowed role set covers these "
                     f"tasks with fewer unneeded permissions")
    return "; ".join(parts)


def blocked_by(person: Person, uncovered, catalog: RoleCatalog, file: str,
               sheet: str) -> Blocked:
    """Name the conflict that leaves ``uncovered`` tasks of ``person`` without a role."""
    for c in catalog.conflicts:
        groups = tuple(
            (catalog.role(r).name,
             tuple(t for t in person.tasks if catalog.roles_permitting(t) == {r}))
            for r in (c.role, c.other_role))
        if all(tasks for _, tasks in groups):
            src = catalog.source(c.source[0])
            return Blocked(person, file, sheet, groups, c.reason, f"{src.id}, {src.date}")
    return Blocked(person, file, sheet, (("no role", tuple(uncovered)),),
                   "no role in the catalog permits them", "catalog/roles/role_tasks.csv")


def plan_roles(people, catalog: RoleCatalog, solver: str | None = None, file: str = "",
               sheet: str = "") -> RolePlan:
    """Least-privilege VL roles for every person, with reasons and a review of today's roles.

    Parameters
    ----------
    people : sequence of Person
        The people (``Person.key`` unique, as given by :func:`read_people`).
    catalog : RoleCatalog
    solver : {"highs", "cbc"}, optional
        The only solver tried (default: CBC, with HiGHS as the fallback).
    file, sheet : str
        Where the people came from, for messages.

    Raises
    ------
    RoleConflict
        When a person needs tasks that only conflicting roles permit.
    """
    people = list(people)
    model = build_model(people, catalog)
    status = solve(model.problem, solver)
    plans, blocked = [], []
    for p in people:
        roles = tuple(r.id for r in catalog.roles if model.assign[p.key, r.id].value() > 0.5)
        uncovered = [t for t in p.tasks if model.uncovered[p.key, t].value() > 0.5]
        if uncovered:
            blocked.append(blocked_by(p, uncovered, catalog, file, sheet))
            continue
        unneeded = score(roles, p.tasks, catalog).extra
        extra = tuple(t.id for t in catalog.tasks if t.id in unneeded)
        finding = None if p.current_roles is None else review(p.current_roles, p.tasks,
                                                              roles, catalog)
        plans.append(PersonPlan(p, roles, extra, explain(p, roles, catalog), finding))
    if blocked:
        raise RoleConflict(blocked)
    return RolePlan(status, tuple(plans))
