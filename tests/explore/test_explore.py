"""planner.explore: changing inputs in code, sweeps, need prices, forced paths, comparisons."""
from __future__ import annotations

import builtins
import doctest
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner import explore
from planner.errors import NoCompliantPlan
from planner.examples import load_example, tiny_org
from planner.explore import (SWEEP_COLUMNS, break_even, catalog_without, compare,
                             cost_by_product, need_costs, product_quantities, split_group,
                             sweep, with_changes)

NOTHING_BUYABLE = ["suite", "standalone", "addon", "step_up", "cloud_addon_sa", "onprem_license"]


@pytest.fixture(scope="module")
def org():
    return tiny_org()


# ------------------------------------------------------------------ with_changes

def test_with_changes_leaves_the_original_alone(org):
    changed = with_changes(org, users={"office": 99}, discount_pct=5)
    assert org.group("office").users == 40
    assert org.org.discount_pct == 0
    assert changed.group("office").users == 99
    assert changed.org.discount_pct == 5
    assert changed.group("analysts") == org.group("analysts")


def test_add_and_remove_needs(org):
    changed = with_changes(org, add_needs={"office": ["copilot", "copilot"]},
                           remove_needs={"analysts": ["copilot"]})
    assert changed.group("office").needs == ("m365_e3_equivalent", "copilot")
    assert changed.group("analysts").needs == ("m365_e5_equivalent",)


def test_removing_part_of_a_profile_expands_it(org):
    changed = with_changes(org, remove_needs={"office": ["windows_enterprise"]})
    needs = changed.group("office").needs
    assert "windows_enterprise" not in needs
    assert "m365_e3_equivalent" not in needs
    assert {"office_apps", "mailbox_p2", "intune_p1"} <= set(needs)


def test_needs_replaces_the_list(org):
    changed = with_changes(org, needs={"store": "frontline_office"})
    assert changed.group("store").needs == ("frontline_office",)


def test_price_list_and_prices(org):
    changed = with_changes(org, price_list="us-list-2026-05", prices={"copilot": 25.0})
    assert changed.org.price_list == "us-list-2026-05"
    assert [(p.product, p.unit_price) for p in changed.prices] == [("copilot", 25.0)]
    again = with_changes(changed, prices={"copilot": None, "m365_e3": 30})
    assert [(p.product, p.unit_price) for p in again.prices] == [("m365_e3", 30.0)]
    assert with_changes(changed, price_list=None).org.price_list is None
    assert with_changes(changed).org.price_list == "us-list-2026-05"


def test_price_list_changes_the_plan(org):
    may = planner.plan(with_changes(org, price_list="us-list-2026-05"), at="renewal",
                       alternatives=False)
    july = planner.plan(with_changes(org, price_list="us-list-2026-07"), at="renewal",
                        alternatives=False)
    assert (may.price_list, july.price_list) == ("us-list-2026-05", "us-list-2026-07")
    assert may.annual_cost < july.annual_cost


def test_dates(org):
    changed = with_changes(org, as_of="2027-01-01", renewal_date="2028-06-30")
    assert str(changed.org.as_of) == "2027-01-01"
    assert str(changed.org.renewal_date) == "2028-06-30"


@pytest.mark.parametrize("kwargs, message", [
    ({"users": {"ofice": 3}}, "unknown group 'ofice'; groups: office, analysts, store"),
    ({"users": {"office": -1}}, "must be >= 0"),
    ({"add_needs": {"office": ["copliot"]}}, "did you mean 'copilot'"),
    ({"prices": {"m365_e9": 1}}, "unknown product id 'm365_e9'"),
    ({"prices": {"copilot": -1}}, "must be >= 0"),
    ({"price_list": "us-list-1999"}, "known: us-list-2022-03, us-list-2024-04, us-list-2026-05, us-list-2026-07"),
    ({"discount_pct": 120}, "between 0 and 100"),
])
def test_with_changes_rejects_bad_values(org, kwargs, message):
    with pytest.raises(ValueError, match=message):
        with_changes(org, **kwargs)


# ------------------------------------------------------------------ split_group

def test_split_group_by_share(org):
    split = split_group(org, "office", 0.25, new_name="office_ai", add_needs=["copilot"])
    assert [(g.name, g.users) for g in split.groups] == [
        ("office", 30), ("office_ai", 10), ("analysts", 10), ("store", 25)]
    assert split.group("office_ai").needs == ("m365_e3_equivalent", "copilot")
    assert split.group("office_ai").devices_per_user == org.group("office").devices_per_user
    assert split.holdings == org.holdings  # pooled holdings stay pooled


def test_split_group_by_count_and_edges(org):
    assert split_group(org, "office", users=40).group("office").users == 0
    assert split_group(org, "office", 0.0).group("office_adopters").users == 0
    with pytest.raises(ValueError, match="exactly one"):
        split_group(org, "office")
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_group(org, "office", 1.5)
    with pytest.raises(ValueError, match="between 0 and 40"):
        split_group(org, "office", users=41)
    with pytest.raises(ValueError, match="already exists"):
        split_group(org, "office", 0.5, new_name="store")


def test_split_group_shares_assigned_holdings(org):
    own = org.replace(holdings=(planner.Holding("m365_e3", 40, group="office"),))
    split = split_group(own, "office", 0.25, new_name="office_ai")
    assert sorted((h.group, h.quantity) for h in split.holdings) == [
        ("office", 30), ("office_ai", 10)]
    all_moved = split_group(own, "office", 1.0, new_name="office_ai")
    assert [(h.group, h.quantity) for h in all_moved.holdings] == [("office_ai", 40)]


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_split_group_keeps_a_plan(org, share):
    result = planner.plan(split_group(org, "office", share, add_needs=["copilot"]),
                          at="renewal", alternatives=False)
    assert result.status == "optimal" and result.compliant


# ------------------------------------------------------------------ sweep

def test_sweep_one_parameter(org):
    table = sweep(org, {"discount_pct": [0, 10, 20]}, at="renewal", progress=False)
    assert list(table.columns[:len(SWEEP_COLUMNS) + 1]) == ["discount_pct"] + SWEEP_COLUMNS
    assert table["status"].eq("optimal").all()
    assert table["annual_cost"].is_monotonic_decreasing
    base = table["annual_cost"].iloc[0]
    assert table["annual_cost"].iloc[1] == pytest.approx(base * 0.9, rel=1e-6)
    assert table.attrs["products"] == [c for c in table.columns if c in planner.load_catalog().items]


def test_sweep_two_parameters_is_a_product(org):
    table = sweep(org, {"at": ["now", "renewal"], "users.office": [40, 80]}, progress=False)
    assert table[["at", "users.office"]].values.tolist() == [
        ["now", 40], ["now", 80], ["renewal", 40], ["renewal", 80]]
    now = table[table["at"] == "now"]["annual_cost"].tolist()
    assert now[1] > now[0]


def test_sweep_with_a_change_function_and_explicit_points(org):
    def adopt(inputs, share):
        return split_group(inputs, "office", share, add_needs=["copilot"])

    table = sweep(org, [{"share": 0.0}, {"share": 1.0, "price_list": "us-list-2026-05"}], adopt,
                  at="renewal", progress=False)
    assert table["copilot"].tolist() == [10, 50]
    assert table["price_list"].tolist() == ["us-list-2026-07", "us-list-2026-05"]


def test_sweep_product_costs_add_up(org):
    table = sweep(org, {"at": ["now", "renewal"]}, values="annual_cost", progress=False)
    products = table.attrs["products"]
    assert table[products].sum(axis=1).tolist() == pytest.approx(table["annual_cost"].tolist())


def test_sweep_prices_parameter(org):
    table = sweep(org, {"prices.copilot": [10.0, 30.0]}, at="renewal", progress=False)
    assert table["annual_cost"].diff().iloc[1] == pytest.approx(10 * 20 * 12)


def test_sweep_records_infeasible_points(org):
    table = sweep(org, {"discount_pct": [0]}, at="renewal",
                  catalog=catalog_without(kinds=NOTHING_BUYABLE), progress=False)
    assert table["status"].tolist() == ["infeasible"]
    assert math.isnan(table["annual_cost"].iloc[0])
    assert "cannot be licensed" in table["message"].iloc[0]
    with pytest.raises(NoCompliantPlan):
        sweep(org, {"discount_pct": [0]}, catalog=catalog_without(kinds=NOTHING_BUYABLE),
              progress=False, errors="raise")


def test_sweep_rejects_bad_grids(org):
    with pytest.raises(ValueError, match="unknown sweep parameter"):
        sweep(org, {"share": [0.1]}, progress=False)
    with pytest.raises(ValueError, match="clash"):
        sweep(org, {"copilot": [1]}, lambda inputs, copilot: inputs, progress=False)
    with pytest.raises(ValueError, match="must be a list"):
        sweep(org, {"price_list": "us-list-2026-05"}, progress=False)
    with pytest.raises(ValueError, match="at must be"):
        sweep(org, {"discount_pct": [0]}, at="later", progress=False)
    with pytest.raises(TypeError, match="must return OrgInputs"):
        sweep(org, {"x": [1]}, lambda inputs, x: None, progress=False)


def test_progress_falls_back_to_stderr_without_tqdm(org, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    sweep(org, {"discount_pct": [0, 5]}, progress=True)
    err = capsys.readouterr().err
    assert "sweep [" in err and "2/2" in err
    sweep(org, {"discount_pct": [0, 5]})  # short sweeps are quiet by default
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------ break_even

def test_break_even_interpolates():
    t = pd.DataFrame({"x": [0, 1, 2], "a": [10, 8, 4], "b": [5, 6, 7]})
    assert break_even(t, "x", "a", "b") == pytest.approx(1 + 2 / 5)
    assert break_even(t, "x", "b", "a") == 0
    assert break_even(t.assign(b=0), "x", "a", "b") is None


def test_break_even_ignores_order_and_gaps():
    t = pd.DataFrame({"x": [2, 0, 1], "a": [4, 10, float("nan")], "b": [7, 5, 6]})
    assert break_even(t, "x", "a", "b") == pytest.approx(0 + 2 * 5 / 8)


# ------------------------------------------------------------------ need_costs

def test_need_costs_prices_copilot(org):
    table = need_costs(org, groups=["analysts"], needs=["copilot"], at="renewal")
    row = table.iloc[0]
    assert (row.group, row.need, row.users) == ("analysts", "copilot", 10)
    assert row.adds_annual_cost == pytest.approx(10 * 30 * 12)
    assert row.adds_per_user == pytest.approx(360)
    assert row.annual_cost_with - row.annual_cost_without == pytest.approx(row.adds_annual_cost)


def test_need_costs_all_needs_and_sets(org):
    table = need_costs(org, at="renewal")
    assert set(table["group"]) == {"office", "analysts", "store"}
    assert (table["adds_annual_cost"] >= -1e-6).all()
    assert "windows_enterprise" in set(table[table["group"] == "office"]["need"])
    sets = need_costs(org, groups=["analysts", "store"], needs=[("copilot", "security_e5"), "teams"],
                      at="renewal")
    assert sets[["group", "need"]].values.tolist() == [
        ["analysts", "copilot+security_e5"], ["analysts", "teams"], ["store", "teams"]]


def test_need_costs_of_a_suite_step(org):
    """E5 on top of E3 for the analysts: the whole E5-only set prices the step."""
    e5_only = ("entra_p2", "mde_p2", "security_e5", "compliance_e5")
    table = need_costs(org, groups=["analysts"], needs=[e5_only], at="renewal")
    assert table["adds_per_user"].iloc[0] == pytest.approx((60 - 39) * 12)


def test_need_costs_rejects_unknown_group(org):
    with pytest.raises(ValueError, match="unknown group"):
        need_costs(org, groups=["nobody"])


# ------------------------------------------------------------------ catalog_without

def test_catalog_without_forbids_buying_only():
    org = load_example("e5_to_e7")
    catalog = catalog_without(products=["m365_e5"])
    now = planner.plan(org, at="now", catalog=catalog, alternatives=False)
    assert now.purchases.query("action == 'keep'")["product"].tolist() == ["m365_e5"]
    renewal = planner.plan(org, at="renewal", catalog=catalog, alternatives=False)
    actions = renewal.purchases.query("product == 'm365_e5'")["action"]
    assert set(actions) == {"keep"}  # renewing a holding is allowed; buying more is not
    assert planner.load_catalog().product("m365_e5").agreements == frozenset()


def test_catalog_without_is_its_own_state_with_its_own_shortfall():
    """Issue 14: ruled-out products used to get a fake agreement ("not sold under a EA")."""
    catalog = catalog_without(products=["copilot", "m365_e7"])
    assert catalog.product("copilot").agreements == planner.load_catalog().product("copilot").agreements
    assert not catalog.product("copilot").available
    assert catalog.product("copilot").sold_under("EA")
    with pytest.raises(planner.NoCompliantPlan) as caught:
        planner.plan(tiny_org(), catalog=catalog, alternatives=False)
    copilot = [line for line in caught.value.lines() if "'copilot'" in line]
    assert copilot and "not sold under" not in copilot[0]
    assert ("m365_e7, copilot are not available in this analysis (ruled out with "
            "catalog_without)") in copilot[0]
    assert copilot[0].endswith("closest fix: allow the product again (the analysis removed "
                               "it with catalog_without)")


def test_catalog_without_rejects_unknown_kinds():
    with pytest.raises(ValueError, match="unknown product kind"):
        catalog_without(kinds=["suites"])


# ------------------------------------------------------------------ tables

def test_compare_and_cost_by_product(org):
    plans = {at: planner.plan(org, at=at, alternatives=False) for at in ("now", "renewal")}
    table = compare(plans)
    assert list(table.index) == ["now", "renewal"]
    assert table["extra_vs_cheapest"].min() == 0
    assert table.loc["now", "annual_cost"] == plans["now"].annual_cost
    costs = compare(plans, values="annual_cost")
    products = [c for c in costs.columns if c in planner.load_catalog().items]
    assert costs[products].sum(axis=1).tolist() == pytest.approx(costs["annual_cost"].tolist())
    for result in plans.values():
        by = cost_by_product(result)
        assert by["annual_cost"].sum() == pytest.approx(result.annual_cost)
        assert by["share"].sum() == pytest.approx(1)
        assert by["annual_cost"].is_monotonic_decreasing
        assert by.set_index("product")["quantity"].to_dict() == product_quantities(result)


# ------------------------------------------------------------------ properties and docs

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.integers(min_value=1, max_value=200), group=st.sampled_from(["office", "analysts", "store"]),
       at=st.sampled_from(["now", "renewal"]))
def test_more_users_never_cost_less(org, extra, group, at):
    before = planner.plan(org, at=at, alternatives=False).annual_cost
    bigger = with_changes(org, users={group: org.group(group).users + extra})
    assert planner.plan(bigger, at=at, alternatives=False).annual_cost >= before - 1e-6


def test_docstring_examples_run():
    failures, tried = doctest.testmod(explore, optionflags=doctest.ELLIPSIS)
    assert tried > 5 and failures == 0
