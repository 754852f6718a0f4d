"""A running subscription keeps the price of the list in force when its term began.

licensing-facts §1.3: a subscription (or SA) already running is paid at the price list of
the month its term began until it ends; it is committed, not bought again. Both the model's
pricing and the independent audit apply the rule; each test fails when either loses it.
"""
from __future__ import annotations

from datetime import date

import pytest

from planner import plan
from planner.audit.checks import audit
from planner.catalog.load import load_catalog
from planner.input.organization import Holding

from org_builders import small_org

CATALOG = load_catalog()
ENDS = date(2027, 6, 30)        # a 3-year EA term begun 2024-06-30, running on 2026-11-23


def org_with_running_e3():
    return small_org().replace(holdings=(Holding("m365_e3", 10, ends=ENDS, row=2),))


def list_prices() -> tuple[float, float]:
    """m365_e3 on the list in force when the term began and on the planning date."""
    org = small_org().org
    began = CATALOG.list_in_force(date(ENDS.year - 3, ENDS.month, ENDS.day))
    return began.unit_price("m365_e3"), CATALOG.list_in_force(org.as_of).unit_price("m365_e3")


def test_the_lists_differ_so_the_rule_shows():
    then, now = list_prices()
    assert then < now


def test_a_running_line_is_kept_at_its_terms_list_price_and_committed():
    then, _ = list_prices()
    result = plan(org_with_running_e3(), alternatives=False, robustness=False)
    keep = result.purchases[result.purchases["action"] == "keep"]
    assert list(keep["product"]) == ["m365_e3"] and int(keep["quantity"].iloc[0]) == 10
    assert float(keep["unit_price"].iloc[0]) == pytest.approx(then)
    assert result.committed_annual_cost == pytest.approx(10 * 12 * then)
    assert result.compliant


def test_at_renewal_the_line_is_priced_by_the_new_list():
    _, now = list_prices()
    result = plan(org_with_running_e3(), at="renewal", alternatives=False, robustness=False)
    rows = result.purchases[result.purchases["product"] == "m365_e3"]
    assert set(rows["unit_price"].round(2)) == {round(now, 2)}


def test_the_audit_rejects_a_running_line_priced_by_todays_list():
    _, now = list_prices()
    org = org_with_running_e3()
    result = plan(org, alternatives=False, robustness=False)
    tampered = result.purchases.copy()
    keep = tampered["action"] == "keep"
    tampered.loc[keep, "unit_price"] = now
    tampered.loc[keep, "monthly_cost"] = tampered.loc[keep, "quantity"] * now
    tampered.loc[keep, "annual_cost"] = tampered.loc[keep, "monthly_cost"] * 12
    violations = audit(org, CATALOG, tampered, result.assignments)
    assert [(v.check, v.scope) for v in violations] == [("prices", "keep m365_e3")]
