"""Assignment statuses: counts, and the action each status needs."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InputError
from planner.roles.roster import Assignment, Roster
from planner.roles.status import assess

AS_OF = date(2025, 3, 31)

# The action expected for every status (facts section 6.2), with a date 3 days old.
ACTIONS = {
    "active": (False, "None."),
    "assignment_in_progress": (True, "Still in progress past the documented 2 to 10 hours: "
                               "assign the permissions again, and contact support if it stays "
                               "stuck."),
    "failed": (True, "Retry: assign the permissions to the user again; if it fails again, "
               "contact support."),
    "invitation_sent": (False, "Wait for the user to accept the invitation email ('Action "
                        "required: Sign in to manage your volume licensing assets', from "
                        "microsoft-noreply@microsoft.com)."),
    "invitation_expired": (True, "Reset the invitation (Reset invite) and ask the user to "
                           "register."),
    "user_not_found": (True, "Fix the account: add the user to the organization's tenant or "
                       "correct the sign-in email, then assign the roles again."),
}


def roster(*assignments):
    return Roster("roster.xlsx", "Roster", tuple(assignments))


def test_every_status_has_its_action(catalog):
    assert set(ACTIONS) == {s.id for s in catalog.statuses}
    rows = [Assignment(f"u{i}", sid, since=date(2025, 3, 28), row=i + 2)
            for i, sid in enumerate(ACTIONS)]
    report = assess(roster(*rows), catalog, AS_OF)
    got = {i.assignment.status: (i.needs_action, i.action) for i in report.items}
    assert got == ACTIONS
    assert set(report.counts.values()) == {1}


def test_pending_invitation_older_than_n_days_is_chased(catalog):
    rows = [Assignment("old", "invitation_sent", since=date(2025, 3, 1)),
            Assignment("new", "invitation_sent", since=date(2025, 3, 20)),
            Assignment("edge", "invitation_sent", since=date(2025, 3, 17))]
    report = assess(roster(*rows), catalog, AS_OF)
    assert [(i.assignment.person, i.age_days) for i in report.actions()] == [("old", 30)]
    assert report.actions()[0].action.startswith("Chase the user")
    assert report.actions()[0].reason == "Invitation sent for 30 days, past the 14-day limit"
    shorter = assess(roster(*rows), catalog, AS_OF, pending_days=10)
    assert [i.assignment.person for i in shorter.actions()] == ["old", "new", "edge"]


def test_pending_invitation_without_date_is_listed(catalog):
    report = assess(roster(Assignment("x", "invitation_sent")), catalog, AS_OF)
    [item] = report.actions()
    assert item.reason == "no date given, cannot tell whether it is past 14 days"


def test_assignment_in_progress_same_day_just_waits(catalog):
    report = assess(roster(Assignment("x", "assignment_in_progress", since=AS_OF)), catalog,
                    AS_OF)
    assert report.actions() == []
    assert report.items[0].action.startswith("Wait; don't edit the user")


def test_counts_include_zero_statuses(catalog):
    report = assess(roster(Assignment("a", "failed"), Assignment("b", "failed")), catalog,
                    AS_OF)
    assert report.counts == {"Active": 0, "Assignment in Progress": 0, "Failed": 2,
                             "Invitation sent": 0, "Invitation expired": 0, "User not found": 0}


def test_future_date_is_an_input_error(catalog):
    with pytest.raises(InputError) as exc:
        assess(roster(Assignment("x", "active", since=date(2025, 4, 2), row=5)), catalog, AS_OF)
    assert exc.value.lines() == ["roster.xlsx, sheet Roster, row 5, column since: date "
                                 "2025-04-02 is after the as-of date 2025-03-31 (fix the date "
                                 "or pass --as-of)"]
