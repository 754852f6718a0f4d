"""The closest fix of an infeasible group actually fixes it (issue #18).

Every shortfall carries its fix twice, in words and as a change to the workbook (catalog
rules/fixes.csv); these tests apply the change and solve again.
"""
from __future__ import annotations

import dataclasses

import pytest

from planner import plan
from planner.errors import NoCompliantPlan
from planner.input.organization import Group, OrgInputs
from planner.vocabulary import SHORTFALL_REASONS

from org_builders import small_org

E3 = ("m365_e3_equivalent",)

CASES = {
    "six devices per user": (small_org(), Group("road", 10, devices_per_user=6, needs=E3)),
    "six tablets per user": (small_org(), Group("tabs", 10, pcs_per_user=2, tablets_per_user=6,
                                                phones_per_user=1, needs=("office_apps",))),
    "a Mac as primary device": (small_org(), Group("mac", 10, primary_device="other", needs=E3)),
    "server rights under CSP": (small_org(agreement="CSP"),
                                Group("srv", 10, needs=("onprem_server_licence",))),
    "a desktop platform under CSP": (small_org(agreement="CSP"),
                                     Group("desk", 10, needs=("desktop_platform",))),
    "a desktop platform mid-term": (small_org(), Group("desk", 10, needs=("desktop_platform",))),
}


def shortfalls(inputs: OrgInputs, at: str = "now"):
    with pytest.raises(NoCompliantPlan) as info:
        plan(inputs, at=at, alternatives=False, robustness=False)
    return info.value.shortfalls


def apply(inputs: OrgInputs, at: str, group: str, change: str) -> tuple[OrgInputs, str]:
    """``inputs`` and the planning point with ``change`` (``target.field=value;...``) applied."""
    for part in change.split(";"):
        target, _, assignment = part.partition(".")
        name, _, value = assignment.partition("=")
        if target == "plan":
            assert name == "at"
            at = value
        elif target == "org":
            inputs = inputs.replace(org=dataclasses.replace(inputs.org, **{name: value}))
        else:
            assert target == "group", change
            old = inputs.group(group)
            typed = int(value) if name.endswith("_per_user") else value
            groups = tuple(dataclasses.replace(g, **{name: typed}) if g is old else g
                           for g in inputs.groups)
            inputs = inputs.replace(groups=groups)
    return inputs, at


@pytest.mark.parametrize("case", list(CASES))
def test_the_suggested_change_makes_the_group_plannable(case):
    org, group = CASES[case]
    inputs = org.replace(groups=(group,))
    found = shortfalls(inputs)
    assert all(s.change for s in found), [str(s) for s in found]
    at = "now"
    for change in dict.fromkeys(s.change for s in found):
        inputs, at = apply(inputs, at, group.name, change)
    result = plan(inputs, at=at, alternatives=False, robustness=False)
    assert result.compliant


@pytest.mark.parametrize("case", list(CASES))
def test_one_line_per_group_and_need(case):
    org, group = CASES[case]
    found = shortfalls(org.replace(groups=(group,)))
    keys = [(s.group, s.need) for s in found]
    assert len(keys) == len(set(keys))
    assert {s.code for s in found} <= set(SHORTFALL_REASONS)


def test_a_group_with_too_many_devices_is_not_told_to_change_its_os():
    org, group = CASES["six devices per user"]
    for s in shortfalls(org.replace(groups=(group,))):
        assert s.code == "install_limit" and "primary_device" not in (s.fix + s.change)
        assert s.change == "group.devices_per_user=5"


def test_per_kind_devices_are_fixed_on_the_kind_over_its_limit():
    org, group = CASES["six tablets per user"]
    (s,) = shortfalls(org.replace(groups=(group,)))
    assert s.change == "group.tablets_per_user=5"


def test_fixes_are_catalog_data_with_a_source(catalog):
    assert catalog.fixes and all(f.fix for f in catalog.fixes.values())
    rows = catalog.fixes
    assert rows[("qualifying_os", "vdi")].fix != rows[("qualifying_os", "")].fix
    assert catalog.fix_for("qualifying_os", "mailbox_p2") is rows[("qualifying_os", "")]
