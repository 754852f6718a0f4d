"""Behaviour of plan() on small organizations built in code."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from planner import plan
from planner.errors import NoCompliantPlan
from planner.input.organization import Group, Holding

from org_builders import small_org


def bought(result, action="buy"):
    rows = result.purchases[result.purchases["action"] == action]
    return rows.groupby("product")["quantity"].sum().to_dict()


def test_renewal_keeps_held_units_rather_than_buying_the_same_product():
    org = small_org().replace(
        groups=(Group("staff", 40, needs=("m365_e3_equivalent",)),),
        holdings=(Holding("m365_e3", 50, ends=date(2027, 6, 30)),))
    result = plan(org, at="renewal")
    assert bought(result, "keep") == {"m365_e3": 40}
    assert bought(result, "drop") == {"m365_e3": 10}
    assert not bought(result, "buy") and not bought(result, "true-up")


def test_running_subscriptions_are_committed_and_idle_units_marked_to_lapse():
    org = small_org().replace(
        groups=(Group("staff", 8, needs=("m365_e3_equivalent",)),),
        holdings=(Holding("m365_e3", 10, ends=date(2027, 6, 30)),))
    result = plan(org, at="now")
    assert bought(result, "keep") == {"m365_e3": 8} and bought(result, "committed") == {"m365_e3": 2}
    assert not bought(result, "drop")  # a running subscription cannot be cancelled mid-term
    # paid either way: the plan's cost is the commitment; nothing new is bought
    assert result.annual_cost == pytest.approx(result.committed_annual_cost)
    assert result.annual_cost == pytest.approx(result.baseline_annual_cost)


def test_a_holding_assigned_to_a_group_serves_only_that_group():
    org = small_org().replace(
        groups=(Group("a", 5, needs=("m365_e3_equivalent",)), Group("b", 5, needs=("m365_e3_equivalent",))),
        holdings=(Holding("m365_e3", 10, group="a", ends=date(2027, 6, 30)),))
    result = plan(org, at="now", alternatives=False)
    assert bought(result, "keep") == {"m365_e3": 5}
    assert bought(result, "buy") == {"m365_e3": 5}  # online services: ordered, not trued up


def test_frontline_workers_get_frontline_plans_and_information_workers_do_not():
    org = small_org().replace(groups=(
        Group("floor", 30, worker="frontline", primary_device="other", needs=("frontline_basic",)),
        Group("office", 30, worker="information", primary_device="other", needs=("frontline_basic",)),
    ))
    result = plan(org, alternatives=False)
    products = {r.group: r.products for r in result.assignments.itertuples()}
    assert products["floor"] == ("m365_f1",)
    assert "m365_f1" not in products["office"]


def test_without_an_enterprise_agreement_there_are_no_extended_use_rights():
    org = small_org(agreement="CSP").replace(groups=(
        Group("staff", 10, needs=("m365_e3_equivalent", "onprem_server_licence")),))
    with pytest.raises(NoCompliantPlan) as err:
        plan(org)
    assert "onprem_server_licence" in str(err.value) and "EA" in str(err.value)


def test_cal_rights_come_with_online_services_in_every_program():
    """Review R10: an M365 E3 user keeps on-premises server access under CSP (no CAL Suite)."""
    org = small_org(agreement="CSP").replace(groups=(
        Group("staff", 10, needs=("m365_e3_equivalent", "onprem_server_access")),))
    assert bought(plan(org, alternatives=False)) == {"m365_e3": 10}


def test_more_than_five_devices_of_a_kind_breaks_user_licences():
    org = small_org().replace(groups=(Group("lab", 3, devices_per_user=6, needs=("office_apps",)),))
    with pytest.raises(NoCompliantPlan) as err:
        plan(org)
    assert "at most 5 pcs" in str(err.value) and "split the group" in str(err.value)


def test_device_limits_apply_per_kind_and_only_to_install_rights():
    """Review R11: 3 PCs + 3 tablets + 2 phones is legal for Office installs; a web-only
    user with 8 devices needs no install rights at all."""
    kinds = Group("mixed", 3, devices_per_user=8, pcs_per_user=3, tablets_per_user=3,
                  phones_per_user=2, needs=("office_apps",))
    web = Group("web", 3, devices_per_user=8, needs=("office_web", "mailbox"))
    result = plan(small_org().replace(groups=(kinds, web)), alternatives=False)
    assert result.compliant


def test_the_why_names_the_next_best_choice_with_its_extra_cost():
    result = plan(small_org())
    why = result.assignments.iloc[0].why
    assert why.startswith("cheapest of") and "next best:" in why and "nan" not in why
    ranks = result.alternatives["rank"].tolist()
    assert ranks == sorted(ranks) and ranks[0] == 1
    extras = result.alternatives["extra_annual_cost"].tolist()
    assert extras == sorted(extras) and extras[0] > 0


def test_prices_sheet_overrides_and_discount_apply():
    from planner.input.organization import PriceOverride
    base = plan(small_org(), alternatives=False).annual_cost
    discounted = plan(small_org(discount_pct=10), alternatives=False).annual_cost
    assert discounted == pytest.approx(base * 0.9)
    org = small_org().replace(prices=(PriceOverride("m365_e3", 30.0),))
    assert plan(org, alternatives=False).annual_cost == pytest.approx(10 * 30 * 12)


def test_price_list_in_force_on_the_planning_date_prices_new_purchases():
    before = small_org().replace(org=dataclasses.replace(small_org().org, as_of=date(2026, 6, 1)))
    after = small_org()
    assert plan(before, alternatives=False).price_list == "us-list-2026-05"
    assert plan(before, alternatives=False).annual_cost == pytest.approx(10 * 36 * 12)
    assert plan(after, alternatives=False).annual_cost == pytest.approx(10 * 39 * 12)


def test_json_result_has_the_spec_fields():
    payload = plan(small_org(), alternatives=False).to_json()
    assert {"status", "currency", "annual_cost", "baseline_annual_cost", "gap", "purchases",
            "assignments"} <= set(payload)
    assert payload["assignments"][0]["products"] == ["m365_e3"]


def test_lp_file_has_readable_names(tmp_path):
    lp = tmp_path / "model.lp"
    plan(small_org(), alternatives=False, lp_file=lp)
    text = lp.read_text()
    assert "headcount_staff_" in text or "headcount[staff]" in text
    assert "supply" in text
