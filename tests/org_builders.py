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


def draw_groups(draw, needs: list[str], max_groups: int, max_users: int) -> list[Group]:
    """Hypothesis: 1 to ``max_groups`` groups ``g0``, ``g1``, ... of 1 to ``max_users`` users,
    each with a worker type, devices, a primary device and 1 to 3 of ``needs``."""
    from hypothesis import strategies as st

    return [Group(
        name=f"g{i}", users=draw(st.integers(1, max_users)),
        worker=draw(st.sampled_from(["information", "information", "frontline"])),
        devices_per_user=draw(st.integers(1, 2)),
        primary_device=draw(st.sampled_from(["windows_pro", "windows_enterprise", "other"])),
        needs=tuple(draw(st.lists(st.sampled_from(needs), min_size=1, max_size=3, unique=True))))
        for i in range(draw(st.integers(1, max_groups)))]
