"""Read PEOPLE.xlsx: who needs which VL tasks, and which roles they hold today.

Sheet ``People`` (or the workbook's only sheet), one row per person and License ID:

- ``person`` (required): name of the person.
- ``email`` (required column, may be blank): sign-in email.
- ``tasks`` (required): comma-separated task ids (``planner roles template`` lists them);
  blank means the person needs no VL task.
- ``current_roles`` (optional): comma-separated roles held today (current or VLSC names);
  without this column nothing is reviewed.
- ``license_id`` (optional): the Agreement (License ID) the row is about.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from planner.errors import InputError, Issue
from planner.input.sheets import open_workbook, read_table
from planner.roles.catalog import RoleCatalog
from planner.roles.rows import (Email, IdList, OptionalText, RowModel, Text, pick_sheet, raise_if_errors,
                   resolve_ids, validate_rows)

SHEET = "people"
REQUIRED = ["person", "email", "tasks"]
OPTIONAL = ["current_roles", "license_id"]


class PersonRow(RowModel):
    """One People row as written, before catalog lookups."""

    person: Text
    email: Email = None
    tasks: IdList = ()
    current_roles: IdList = ()
    license_id: OptionalText = None


@dataclass(frozen=True)
class Person:
    """A person with the tasks they need, as catalog ids.

    ``current_roles`` is None when the workbook has no ``current_roles`` column (nothing
    to review) and an empty tuple when the person holds no role today.
    """

    person: str
    tasks: tuple[str, ...]
    email: str | None = None
    current_roles: tuple[str, ...] | None = None
    license_id: str | None = None
    row: int | None = None

    @property
    def key(self) -> str:
        """Stable id for model variables (the Excel row, or the name in code)."""
        return f"r{self.row}" if self.row is not None else self.person


@dataclass(frozen=True)
class PeopleSheet:
    """The people read from one workbook, with the warnings found on the way."""

    file: str
    sheet: str
    people: tuple[Person, ...]
    warnings: tuple[Issue, ...] = ()


def read_people(path: str | os.PathLike, catalog: RoleCatalog) -> PeopleSheet:
    """Read and validate PEOPLE.xlsx (the file is opened read-only, never changed).

    Raises
    ------
    InputError
        With every problem found: missing sheet or columns, blank names, bad emails,
        unknown task ids or role names (with "did you mean"), duplicate people.
    """
    path = Path(path)
    issues: list[Issue] = []
    wb = open_workbook(path)
    table = read_table(wb, path.name, pick_sheet(wb, SHEET), REQUIRED, OPTIONAL, issues)
    if table is None:
        raise InputError(issues)
    task_lookup = {t.id: t.id for t in catalog.tasks}
    role_lookup = catalog.role_lookup()
    role_shown = {r.id: r.name for r in catalog.roles}
    people: list[Person] = []
    seen: dict[tuple[str, str | None], int] = {}
    for row, rec in validate_rows(table, PersonRow, issues):
        tasks = resolve_ids(rec.tasks, task_lookup, "task", table, row, "tasks", issues)
        current = None
        if "current_roles" in table.spelled:
            current = resolve_ids(rec.current_roles, role_lookup, "role", table, row,
                                  "current_roles", issues, role_shown)
        if not rec.tasks:
            issues.append(table.issue("no tasks listed: the person needs no VL role", row,
                                      "tasks", severity="warning"))
        ident = (rec.person.casefold(), rec.license_id)
        if ident in seen:
            issues.append(table.issue(f"person '{rec.person}' already listed in row "
                                      f"{seen[ident]}", row, "person",
                                      hint="merge the tasks into one row"))
        seen.setdefault(ident, row)
        people.append(Person(rec.person, tasks, rec.email, current, rec.license_id, row))
    warnings = raise_if_errors(issues)
    return PeopleSheet(path.name, table.sheet, tuple(people), warnings)
