"""Read ROSTER.xlsx: VL role assignments and their status on the Manage Assignments page.

Sheet ``Roster`` (or the workbook's only sheet), one row per assignment:

- ``person`` (required; ``Display name`` also accepted): who.
- ``email`` (optional; ``Sign-in email`` also accepted).
- ``status`` (required): as shown on the page (``Active``, ``Assignment in Progress``,
  ``Failed``, ``Invitation sent``, ``Invitation expired``, ``User not found``), any case.
- ``since`` (optional; ``Status date``, ``Invited on``, ``Date`` also accepted): when the
  status began, e.g. when the invitation was sent.
- ``roles`` (optional; ``Volume licensing roles`` also accepted): comma-separated roles.
- ``license_id`` (optional).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planner.errors import InputError, Issue
from planner.input.sheets import Table, open_workbook, read_table
from planner.roles.catalog import RoleCatalog
from planner.roles.rows import (Day, Email, IdList, OptionalText, RowModel, Text, pick_sheet,
                   raise_if_errors, resolve_ids, validate_rows)

SHEET = "roster"
COLUMNS = ["person", "email", "status", "since", "roles", "license_id"]
REQUIRED = ["person", "status"]
# Headers of the admin center's Manage Assignments page, and common spellings.
HEADER_MAP = {
    "display_name": "person", "name": "person", "sign_in_email": "email",
    "volume_licensing_roles": "roles", "vl_roles": "roles", "status_date": "since",
    "invited_on": "since", "date": "since", "license_ids": "license_id",
}


class AssignmentRow(RowModel):
    """One Roster row as written, before catalog lookups."""

    person: Text
    status: Text
    email: Email = None
    since: Day = None
    roles: IdList = ()
    license_id: OptionalText = None


@dataclass(frozen=True)
class Assignment:
    """An assignment with its status id and the date that status began."""

    person: str
    status: str
    email: str | None = None
    since: date | None = None
    roles: tuple[str, ...] = ()
    license_id: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class Roster:
    """The assignments read from one workbook, with the warnings found on the way."""

    file: str
    sheet: str
    assignments: tuple[Assignment, ...]
    warnings: tuple[Issue, ...] = ()


def _apply_header_map(table: Table, issues: list[Issue]) -> bool:
    """Rename known header spellings to column names; report missing required columns."""
    for alias, column in HEADER_MAP.items():
        if alias in table.spelled and column not in table.spelled:
            table.spelled[column] = table.spelled[alias]
            for _, record in table.rows:
                record[column] = record.pop(alias, None)
    missing = [c for c in REQUIRED if c not in table.spelled]
    for column in missing:
        issues.append(table.issue(f"missing column '{column}'", row=1, column=column))
    return not missing


def read_roster(path: str | os.PathLike, catalog: RoleCatalog) -> Roster:
    """Read and validate ROSTER.xlsx (the file is opened read-only, never changed).

    Raises
    ------
    InputError
        With every problem found: missing sheet or columns, blank names, unknown statuses
        or roles (with "did you mean"), bad dates or emails.
    """
    path = Path(path)
    issues: list[Issue] = []
    wb = open_workbook(path)
    table = read_table(wb, path.name, pick_sheet(wb, SHEET), [],
                       COLUMNS + list(HEADER_MAP), issues)
    if table is None or not _apply_header_map(table, issues):
        raise InputError(issues)
    status_lookup = catalog.status_lookup()
    status_shown = {s.id: s.label for s in catalog.statuses}
    role_lookup = catalog.role_lookup()
    role_shown = {r.id: r.name for r in catalog.roles}
    assignments = []
    for row, rec in validate_rows(table, AssignmentRow, issues):
        status = resolve_ids((rec.status,), status_lookup, "status", table, row, "status",
                             issues, status_shown)
        roles = resolve_ids(rec.roles, role_lookup, "role", table, row, "roles", issues,
                            role_shown)
        if status:
            assignments.append(Assignment(rec.person, status[0], rec.email, rec.since, roles,
                                          rec.license_id, row))
    warnings = raise_if_errors(issues)
    return Roster(path.name, table.sheet, tuple(assignments), warnings)
