"""The Volume Licensing role catalog: roles, tasks, what each role permits, statuses.

Read from the CSV files in ``catalog/roles/`` (package ``planner._catalog``), every row of
which names its ``source`` (ids defined in ``sources.csv``). The loader checks that the
files agree with each other and raises :class:`~planner.errors.CatalogError` otherwise.
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from planner.errors import CatalogError
from planner.input.sheets import normalise

FILES = {
    "sources": ("source", "title", "url", "date", "kind", "note"),
    "roles": ("role", "name", "vlsc_name", "aliases", "description", "source"),
    "tasks": ("task", "description", "source"),
    "role_tasks": ("role", "task", "basis", "source"),
    "role_conflicts": ("role", "other_role", "reason", "source"),
    "statuses": ("status", "label", "aliases", "meaning", "needs_action", "action",
                 "stale_after_days", "stale_action", "source"),
}


@dataclass(frozen=True)
class Source:
    """A document the catalog cites (``sources.csv``)."""

    id: str
    title: str
    url: str
    date: str
    kind: str
    note: str


@dataclass(frozen=True)
class Role:
    """A VL role: id, current admin-center name, retired VLSC name and other spellings."""

    id: str
    name: str
    vlsc_name: str
    aliases: tuple[str, ...]
    description: str
    tasks: frozenset[str]
    source: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """A thing a person does on the VL pages, as a snake_case id."""

    id: str
    description: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """Two roles one person may not hold together on the same License ID."""

    role: str
    other_role: str
    reason: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class Status:
    """A status on the Manage Assignments page and what the VL admin should do about it.

    ``stale_after_days`` [days] is set for statuses that only need action once they have
    lasted too long; ``stale_action`` is the action then.
    """

    id: str
    label: str
    aliases: tuple[str, ...]
    meaning: str
    needs_action: bool
    action: str
    stale_after_days: int | None
    stale_action: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class RoleCatalog:
    """Everything the roles commands know, in catalog order (the Learn table's order)."""

    roles: tuple[Role, ...]
    tasks: tuple[Task, ...]
    conflicts: tuple[Conflict, ...]
    statuses: tuple[Status, ...]
    sources: tuple[Source, ...]

    def role(self, role_id: str) -> Role:
        """The role with this id."""
        return next(r for r in self.roles if r.id == role_id)

    def status(self, status_id: str) -> Status:
        """The status with this id."""
        return next(s for s in self.statuses if s.id == status_id)

    def source(self, source_id: str) -> Source:
        """The source with this id."""
        return next(s for s in self.sources if s.id == source_id)

    def roles_permitting(self, task: str) -> frozenset[str]:
        """Ids of the roles whose permissions include ``task``."""
        return frozenset(r.id for r in self.roles if task in r.tasks)

    def granted(self, role_ids) -> frozenset[str]:
        """Every task the given roles permit together."""
        return frozenset().union(*(self.role(r).tasks for r in role_ids))

    def role_names(self, role_ids) -> list[str]:
        """Display names of ``role_ids``, in catalog order."""
        return [r.name for r in self.roles if r.id in set(role_ids)]

    def role_lookup(self) -> dict[str, str]:
        """Normalised spelling (id, name, VLSC name, alias) -> role id."""
        lookup: dict[str, str] = {}
        for r in self.roles:
            for spelling in (r.id, r.name, r.vlsc_name, *r.aliases):
                if spelling:
                    lookup.setdefault(normalise(spelling), r.id)
        return lookup

    def status_lookup(self) -> dict[str, str]:
        """Normalised spelling (id, label, alias) -> status id."""
        return {normalise(spelling): s.id for s in self.statuses
                for spelling in (s.id, s.label, *s.aliases)}


def suggest(word: str, choices) -> list[str]:
    """Up to three of ``choices`` that look like ``word`` (for "did you mean").

    Only the close ones: ratio at least 0.6 and within 0.1 of the best match, so an
    obvious typo gets one suggestion rather than three.
    """
    scored = sorted(((difflib.SequenceMatcher(None, word, c).ratio(), c) for c in choices),
                    reverse=True)
    if not scored or scored[0][0] < 0.6:
        return []
    return [c for ratio, c in scored[:3] if ratio >= max(0.6, scored[0][0] - 0.1)]


def _read(name: str) -> list[dict[str, str]]:
    text = (resources.files("planner._catalog") / "roles" / f"{name}.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != FILES[name]:
        raise CatalogError(f"catalog/roles/{name}.csv: header must be {','.join(FILES[name])}")
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def _split(cell: str, sep: str = ";") -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(sep) if part.strip())


def _check(data: dict[str, list[dict[str, str]]]) -> list[str]:
    """Cross-file consistency problems, one line each."""
    problems = []
    known = {
        "source": {r["source"] for r in data["sources"]},
        "role": {r["role"] for r in data["roles"]},
        "task": {r["task"] for r in data["tasks"]},
    }
    refs = {"role_tasks": ("role", "task"), "role_conflicts": ("role", "other_role")}
    for name, rows in data.items():
        for line, row in enumerate(rows, start=2):
            where = f"catalog/roles/{name}.csv, line {line}"
            if name != "sources":
                ids = [s for s in row["source"].split(";") if s.strip()]
                if not ids:
                    problems.append(f"{where}: empty source")
                problems += [f"{where}: unknown source '{s}'" for s in ids
                             if s.strip() not in known["source"]]
            for col in refs.get(name, ()):
                kind = "task" if col == "task" else "role"
                if row[col] not in known[kind]:
                    problems.append(f"{where}: unknown {kind} '{row[col]}'")
    unused = known["task"] - {r["task"] for r in data["role_tasks"]}
    problems += [f"catalog/roles/tasks.csv: no role permits task '{t}'" for t in sorted(unused)]
    return problems


@cache
def load_role_catalog() -> RoleCatalog:
    """Read and check the shipped VL role catalog (cached).

    Raises
    ------
    CatalogError
        When a file has the wrong header, a row has no source, or a row names a role,
        task or source that is not defined.
    """
    data = {name: _read(name) for name in FILES}
    problems = _check(data)
    if problems:
        raise CatalogError("\n".join(problems))
    grants: dict[str, set[str]] = {}
    for row in data["role_tasks"]:
        grants.setdefault(row["role"], set()).add(row["task"])
    roles = tuple(
        Role(r["role"], r["name"], r["vlsc_name"], _split(r["aliases"], "|"), r["description"],
             frozenset(grants.get(r["role"], ())), _split(r["source"]))
        for r in data["roles"])
    tasks = tuple(Task(t["task"], t["description"], _split(t["source"])) for t in data["tasks"])
    conflicts = tuple(Conflict(c["role"], c["other_role"], c["reason"], _split(c["source"]))
                      for c in data["role_conflicts"])
    statuses = tuple(
        Status(s["status"], s["label"], _split(s["aliases"], "|"), s["meaning"],
               s["needs_action"].lower() == "yes", s["action"],
               int(s["stale_after_days"]) if s["stale_after_days"] else None,
               s["stale_action"], _split(s["source"]))
        for s in data["statuses"])
    sources = tuple(Source(s["source"], s["title"], s["url"], s["date"], s["kind"], s["note"])
                    for s in data["sources"])
    return RoleCatalog(roles, tasks, conflicts, statuses, sources)
