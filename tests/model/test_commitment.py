"""The Enterprise Agreement's enterprise-wide commitment (review R9a, R9b).

R9a: the commitment reaches Qualified Devices (a qualifying OS, or a device used to access a
VDI) and Qualified Users (users of a Qualified Device, users who access on-premises servers,
users of an Enterprise Online Service), not only groups with a qualifying OS.
R9b: it can be met by a mix of Enterprise Products and corresponding Enterprise Online
Services (rules/platform_cover.csv), not only by Microsoft 365 E3/E5/E7.
Each case is checked through plan() and, with a hand-made plan, by the independent audit.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from planner import load_catalog, plan
from planner.audit.checks import audit
from planner.input.organization import Group, Holding, PriceOverride
from planner.model.options import enumerate_options
from planner.catalog.pricing import Pricing

from org_builders import small_org

CATALOG = load_catalog()
RENEWAL = date(2027, 6, 30)
PLATFORM = (Holding("professional_desktop", 10, sa=True, ends=RENEWAL),
            Holding("core_cal_suite", 10, sa=True, ends=RENEWAL))
DESK = Group("desk", 10, primary_device="windows_enterprise", needs=("desktop_platform",))


def org_with(*groups, holdings=PLATFORM, prices=()):
    return small_org().replace(groups=(DESK,) + groups, holdings=holdings, prices=prices)


def assigned(result, group):
    row = result.assignments[result.assignments["group"] == group].iloc[0]
    return set(row.products)


def hand_made(org, result, group, products):
    """``result``'s plan with ``group`` moved to ``products`` (bought at list price)."""
    assignments = result.assignments.copy()
    mask = assignments["group"] == group
    users = int(assignments.loc[mask, "users"].sum())
    assignments.loc[mask, "products"] = " + ".join(products)
    purchases = result.purchases[~result.purchases["product"].isin(assigned(result, group))
                                 | result.purchases["product"].isin({"professional_desktop",
                                                                     "core_cal_suite"})]
    pricing = Pricing.for_plan(org, CATALOG, "now")
    extra = [dict(action="buy", product=p, product_name=p, quantity=users,
                  unit_price=pricing.buy_price(p), monthly_cost=users * pricing.buy_price(p),
                  annual_cost=12 * users * pricing.buy_price(p), note="") for p in products
             if p not in {"professional_desktop", "core_cal_suite"}]
    return pd.concat([purchases, pd.DataFrame(extra)], ignore_index=True), assignments


def solved(org):
    return plan(org, alternatives=False)


def platform_breaches(org, result, group, products):
    purchases, assignments = hand_made(org, result, group, products)
    return [v for v in audit(org, CATALOG, purchases, assignments) if v.check == "platform"]


def test_office_365_and_windows_enterprise_per_user_stand_in_for_the_desktop_platform():
    """R9b [EA-ENR]: new users on Windows Pro devices may meet the platform with Office 365
    E3 (Office), Windows Enterprise E3 per user (Windows) and EMS E3 beside Office 365's CAL
    rights (the Core CAL Suite): with the suites priced out, that mix is chosen over a
    true-up of the platform."""
    new = Group("new", 5, primary_device="windows_pro", needs=("o365_e3_equivalent", "windows_enterprise"))
    dear = tuple(PriceOverride(p, 80.0) for p in ("m365_e3", "m365_e3_no_teams", "m365_e5",
                                                  "m365_e5_no_teams", "professional_desktop"))
    org = org_with(new, prices=dear)
    result = solved(org)
    got = assigned(result, "new")
    assert {"o365_e3", "win_ent_e3", "ems_e3"} <= got
    assert not got & {"professional_desktop", "core_cal_suite"}
    assert result.compliant
    options = enumerate_options(org, CATALOG, Pricing.for_plan(org, CATALOG, "now"))
    mix = next(b for b in options.groups[1].bundles if {"o365_e3", "win_ent_e3", "ems_e3"} <= set(b.products))
    assert mix.covers == {"desktop_platform", "cal_suite"} and mix.owes == {"desktop_platform", "cal_suite"}
    # Without Windows Enterprise per user the same user does not meet the desktop platform.
    assert [v.scope for v in platform_breaches(org, result, "new", ["o365_e3", "ems_e3"])] == ["new"]


def test_a_mac_user_on_a_vdi_is_on_a_qualified_device():
    """R9a: a device used to access a VDI is a Qualified Device, so its user owes the
    platform and the CAL Suite: VDA + Office stand in for the desktop platform, and the CAL
    part is trued up (or met by its online stand-in). The same user without VDI, holding no
    Enterprise Online Service, owes nothing."""
    vdi = Group("mac", 5, primary_device="other", needs=("office_apps", "mailbox", "vdi"))
    org = org_with(vdi)
    result = solved(org)
    got = assigned(result, "mac")
    assert "vda_user" in got and ("core_cal_suite" in got or "ems_e3" in got)
    breaches = platform_breaches(org, result, "mac", ["vda_user", "m365_apps_enterprise", "exchange_kiosk"])
    assert breaches and all(v.scope == "mac" for v in breaches)
    assert "Qualified Device" in breaches[0].detail
    plain = org_with(Group("mac", 5, primary_device="other", needs=("mailbox",)))
    assert assigned(solved(plain), "mac") == {"exchange_kiosk"}


def test_an_office_365_user_is_a_qualified_user_of_a_per_user_cal_suite():
    """R9a: a user of an Enterprise Online Service is a Qualified User, so a Mac user on
    Office 365 E3 owes a CAL Suite licensed per user (EMS E3 beside Office 365 E3 stands
    in for it, R9b) but not one licensed per device (that commitment counts devices)."""
    mac = Group("mac", 5, primary_device="other", needs=("o365_e3_equivalent",))
    org = org_with(mac)
    result = solved(org)
    assert {"o365_e3", "ems_e3"} <= assigned(result, "mac") or "core_cal_suite" in assigned(result, "mac")
    breaches = platform_breaches(org, result, "mac", ["o365_e3"])
    assert [v.scope for v in breaches] == ["mac"] and "Enterprise Online Service" in breaches[0].detail
    per_device = (PLATFORM[0], Holding("core_cal_suite_device", 10, sa=True, ends=RENEWAL))
    device_org = org_with(mac, holdings=per_device)
    assert assigned(solved(device_org), "mac") == {"o365_e3"}


def test_users_on_the_running_platform_do_not_stand_in_with_full_usls_mid_term():
    """Users on the running SA desktop platform move with Cloud Add-ons before the renewal
    (rules/platform.csv full_usl_for_platform_users_midterm): Full USLs of online services
    do not stand in for the platform for them, so the audit rejects that plan."""
    on_platform = Group("desk2", 5, primary_device="windows_enterprise",
                        needs=("o365_e3_equivalent", "windows_enterprise"))
    org = org_with(on_platform)
    result = solved(org)
    assert {"professional_desktop", "core_cal_suite"} <= assigned(result, "desk2")
    breaches = platform_breaches(org, result, "desk2", ["o365_e3", "win_ent_e3", "ems_e3"])
    assert {v.scope for v in breaches} == {"desk2"}
