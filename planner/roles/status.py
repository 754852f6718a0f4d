"""``assess``: count assignment statuses and list the action each one needs.

Failed, Invitation expired and User not found always need action. Invitation sent and
Assignment in Progress need action only once they have lasted longer than their
threshold [days] (``stale_after_days`` in ``statuses.csv``, overridable), or when the
roster gives no date to tell.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from planner.errors import InputError, Issue
from planner.roles.catalog import RoleCatalog, Status
from planner.roles.roster import Assignment, Roster


@dataclass(frozen=True)
class StatusItem:
    """One assignment with its status, age [days], and what to do."""

    assignment: Assignment
    label: str
    age_days: int | None
    needs_action: bool
    action: str
    reason: str

    def to_dict(self, catalog: RoleCatalog) -> dict:
        """Plain JSON-ready record."""
        a = self.assignment
        return {"person": a.person, "email": a.email, "license_id": a.license_id,
                "row": a.row, "status": a.status, "status_label": self.label,
                "since": a.since.isoformat() if a.since else None, "age_days": self.age_days,
                "roles": catalog.role_names(a.roles), "needs_action": self.needs_action,
                "action": self.action, "reason": self.reason}


@dataclass(frozen=True)
class StatusReport:
    """Counts per status (every status, zeros included) and one item per assignment."""

    as_of: date
    stale_after: dict[str, int]
    counts: dict[str, int]
    items: tuple[StatusItem, ...]

    def actions(self) -> list[StatusItem]:
        """The items that need the VL admin to do something."""
        return [i for i in self.items if i.needs_action]

    def to_dict(self, catalog: RoleCatalog) -> dict:
        """The ``--json`` object."""
        return {"as_of": self.as_of.isoformat(), "stale_after_days": self.stale_after,
                "counts": self.counts, "needs_action": len(self.actions()),
                "assignments": [i.to_dict(catalog) for i in self.items]}

    def frame(self, catalog: RoleCatalog) -> pd.DataFrame:
        """One row per assignment (for notebooks)."""
        return pd.DataFrame([i.to_dict(catalog) for i in self.items])


def thresholds(catalog: RoleCatalog, **overrides: int | None) -> dict[str, int]:
    """Stale thresholds [days] per status id: the catalog's, with non-None overrides."""
    days = {s.id: s.stale_after_days for s in catalog.statuses if s.stale_after_days is not None}
    days.update({k: v for k, v in overrides.items() if v is not None})
    return days


def judge(a: Assignment, status: Status, as_of: date, stale_after: int | None) -> StatusItem:
    """The action one assignment needs, given its status and age."""
    age = (as_of - a.since).days if a.since else None
    if status.needs_action:
        return StatusItem(a, status.label, age, True, status.action, status.label)
    if stale_after is None:
        return StatusItem(a, status.label, age, False, status.action, "")
    if age is None:
        return StatusItem(a, status.label, age, True, status.stale_action,
                          f"no date given, cannot tell whether it is past {stale_after} days")
    if age > stale_after:
        return StatusItem(a, status.label, age, True, status.stale_action,
                          f"{status.label} for {age} days, past the {stale_after}-day limit")
    return StatusItem(a, status.label, age, False, status.action, "")


def assess(roster: Roster, catalog: RoleCatalog, as_of: date | None = None,
           pending_days: int | None = None, progress_days: int | None = None) -> StatusReport:
    """Count statuses and decide the action for each assignment.

    Parameters
    ----------
    roster : Roster
        From :func:`read_roster`.
    as_of : date, optional
        The day ages are measured to (default today).
    pending_days : int, optional
        Chase an Invitation sent older than this many days (default from the catalog, 14).
    progress_days : int, optional
        Flag an Assignment in Progress older than this many days (default 1).

    Raises
    ------
    InputError
        When a ``since`` date is after ``as_of``, or a threshold is negative.
    """
    as_of = as_of or date.today()
    stale = thresholds(catalog, invitation_sent=pending_days,
                       assignment_in_progress=progress_days)
    issues = [Issue(f"--{name}-days must be 0 or more") for name, v in
              (("pending", pending_days), ("progress", progress_days)) if v is not None and v < 0]
    issues += [Issue(f"date {a.since} is after the as-of date {as_of}", roster.file,
                     roster.sheet, a.row, "since", hint="fix the date or pass --as-of")
               for a in roster.assignments if a.since and a.since > as_of]
    if issues:
        raise InputError(issues)
    items = tuple(judge(a, catalog.status(a.status), as_of, stale.get(a.status))
                  for a in roster.assignments)
    counts = {s.label: sum(i.assignment.status == s.id for i in items) for s in catalog.statuses}
    return StatusReport(as_of, stale, counts, items)
