"""The vocabulary module against the catalog schema and data, and its users."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planner import vocabulary as v

CATALOG = Path(__file__).resolve().parents[1] / "catalog"


def schema_enum(file: str, attribute: str) -> tuple[str, ...]:
    """The values of an ``enum:`` or ``enum_list:`` attribute of catalog/schema/<file>."""
    with open(CATALOG / "schema" / file, encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["attribute"] == attribute)
    kind, _, values = row["type"].partition(":")
    assert kind in ("enum", "enum_list"), row
    return tuple(x for x in values.split("|") if x)


def platform_rules() -> dict[str, str]:
    with open(CATALOG / "rules" / "platform.csv", encoding="utf-8") as f:
        return {r["rule"]: r["value"] for r in csv.DictReader(f)}


@pytest.mark.parametrize("file, attribute, values", [
    ("products.csv", "agreements", v.AGREEMENTS),
    ("rights.csv", "agreements", v.AGREEMENTS),
    ("products.csv", "eligibility", v.ELIGIBILITY),
    ("capabilities.csv", "condition", v.CONDITIONS),
    ("capabilities.csv", "install_kinds", v.DEVICE_KINDS),
    ("products.csv", "family", v.PLATFORM_FAMILIES),
    ("products.csv", "sa_backing", v.PLATFORM_FAMILIES),
])
def test_the_schema_spells_each_enumeration_as_the_vocabulary(file, attribute, values):
    assert schema_enum(file, attribute) == values


def test_the_agreement_rules_name_only_known_agreements_and_give_every_term():
    rules = platform_rules()
    for rule in ("platform_agreements", "price_lock_agreements", "monthly_billing_agreements"):
        assert set(rules[rule].split(";")) <= set(v.AGREEMENTS), rule
    assert {f"term_years_{a}" for a in v.AGREEMENTS} <= set(rules)
    assert rules["platform_user_device"] in v.PRIMARY_DEVICES


def test_every_closest_fix_is_for_a_known_shortfall_reason(catalog):
    assert set(schema_enum("fixes.csv", "reason")) <= set(v.SHORTFALL_REASONS)
    assert {reason for reason, _ in catalog.fixes} <= set(v.SHORTFALL_REASONS)


def test_the_device_and_worker_codes_are_consistent():
    assert set(v.QUALIFYING_OS) <= set(v.PRIMARY_DEVICES)
    assert v.FRONTLINE in v.WORKER_KINDS and v.FRONTLINE in v.ELIGIBILITY
    assert set(v.CONDITIONS) <= set(v.ELIGIBILITY)


def test_the_workbook_offers_and_accepts_exactly_the_vocabulary():
    from planner.input.template import ENUMERATIONS
    from planner.input.validate import GroupRow, OrganizationFields, convert

    assert (ENUMERATIONS["worker"], ENUMERATIONS["primary_device"], ENUMERATIONS["agreement"]) == (
        v.WORKER_KINDS, v.PRIMARY_DEVICES, v.AGREEMENTS)
    for value in v.AGREEMENTS:
        assert convert(OrganizationFields, {"agreement": value.lower()})[0].agreement == value
    for value in v.BILLING:
        assert convert(OrganizationFields, {"billing": value.upper()})[0].billing == value
    for worker in v.WORKER_KINDS:
        for device in v.PRIMARY_DEVICES:
            row, errors = convert(GroupRow, {"group": "g", "users": 1, "needs": "mailbox",
                                             "worker": worker, "primary_device": device})
            assert errors == [] and (row.worker, row.primary_device) == (worker, device)


def test_plans_use_the_actions_and_statuses_of_the_vocabulary():
    from planner import plan
    from planner.results import ACTIONS, STATUSES

    from org_builders import small_org

    assert (ACTIONS, STATUSES) == (v.ACTIONS, v.STATUSES)
    result = plan(small_org(), alternatives=False, robustness=False)
    assert result.status in v.STATUSES
    assert set(result.purchases["action"]) <= set(v.ACTIONS)
