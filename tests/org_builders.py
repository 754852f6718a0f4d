"""Small organizations built in code, as bases for tests to vary."""
from __future__ import annotations

from datetime import date

from planner.input.organization import Group, Organization, OrgInputs


def small_org(**org_changes) -> OrgInputs:
    """One E3 group of 10 users on Windows Pro devices, EA, dated 2026-11-23.

    The organization is an existing with-Teams customer (it may buy the with-Teams suites);
    pass ``holds_with_teams_suite=False`` for a customer new to the suites.
    """
    org_changes.setdefault("holds_with_teams_suite", True)
    org = Organization(name="Tiny", as_of=date(2026, 11, 23), renewal_date=date(2027, 6, 30),
                       **org_changes)
    return OrgInputs(org, (Group("staff", 10, needs=("m365_e3_equivalent",)),), ())
