"""The audit can fail: for every registered check, a hand-made plan only that check rejects.

Each plan is written by hand as the two tables a plan workbook holds (Purchases and
Assignments), priced with the model's own :class:`~planner.catalog.pricing.Pricing`, so a
plan breaks exactly the one rule it was made to break and passes every other check.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import pytest

import planner
from planner.audit.checks import CHECKS, audit, compliance_table
from planner.catalog.load import load_catalog
from planner.catalog.pricing import Pricing
from planner.input.organization import Group, Holding, OrgInputs
from planner.results import PURCHASE_COLUMNS

from org_builders import small_org

CATALOG = load_catalog()
E3 = ("m365_e3_equivalent",)
RUNNING = date(2027, 6, 30)   # ends after small_org's as_of (2026-11-23)


@dataclass
class HandMade:
    """A plan written by hand: its organization and its two tables."""

    inputs: OrgInputs
    purchases: pd.DataFrame
    assignments: pd.DataFrame
    at: str = "now"
    annual_cost: float | None = None

    def violations(self, checks=None):
        return audit(self.inputs, CATALOG, self.purchases, self.assignments, self.at,
                     self.annual_cost, checks)


def hand_made(inputs: OrgInputs, lines: list[tuple], assignments: list[tuple], **kw) -> HandMade:
    """``lines``: (action, product, quantity[, unit price]); a missing price is the price of a
    new unit for buys and of the held line (committed or renewal) for keep and committed.
    ``assignments``: (group, users, [products])."""
    pricing = Pricing.for_plan(inputs, CATALOG, kw.get("at", "now"))
    rows = []
    for action, product, quantity, *price in lines:
        if price:
            unit = price[0]
        elif action in ("keep", "committed", "drop"):
            unit = pricing.holding_price(next(h for h in inputs.holdings if h.product == product))
        else:
            unit = pricing.buy_price(product)
        rows.append(dict(action=action, product=product, product_name=product, quantity=quantity,
                         unit_price=unit, monthly_cost=quantity * unit,
                         annual_cost=12 * quantity * unit, note=""))
    purchases = pd.DataFrame(rows, columns=PURCHASE_COLUMNS)
    table = pd.DataFrame([dict(group=g, users=u, products=list(p)) for g, u, p in assignments])
    return HandMade(inputs, purchases, table, **kw)


def with_groups(*groups: Group, holdings: tuple[Holding, ...] = (), **org) -> OrgInputs:
    return small_org(**org).replace(groups=groups, holdings=holdings)


def compliant() -> HandMade:
    """The base every case varies: 10 information workers on Windows Pro with M365 E3."""
    return hand_made(small_org(), [("buy", "m365_e3", 10)], [("staff", 10, ["m365_e3"])])


def headcount() -> HandMade:
    return hand_made(small_org(), [("buy", "m365_e3", 10)], [("staff", 9, ["m365_e3"])])


def known_products() -> HandMade:
    return hand_made(small_org(), [("buy", "m365_e3", 10)],
                     [("staff", 10, ["m365_e3", "m365_e9"])])


def needs() -> HandMade:
    return hand_made(small_org(), [("buy", "o365_e3", 10)], [("staff", 10, ["o365_e3"])])


def eligibility() -> HandMade:
    org = with_groups(Group("staff", 10, needs=("mailbox",)))
    return hand_made(org, [("buy", "m365_f3", 10)], [("staff", 10, ["m365_f3"])])


def prerequisites() -> HandMade:
    org = with_groups(Group("staff", 10, needs=("copilot",)))
    return hand_made(org, [("buy", "copilot", 10)], [("staff", 10, ["copilot"])])


def step_up_sources() -> HandMade:
    held = (Holding("o365_e3", 5, ends=RUNNING, row=2),)
    org = with_groups(Group("staff", 10, needs=E3), holdings=held)
    return hand_made(org, [("keep", "o365_e3", 5), ("buy", "o365_e3", 5),
                           ("buy", "step_o365_e3_to_m365_e3", 10)],
                     [("staff", 10, ["o365_e3", "step_o365_e3_to_m365_e3"])])


def holdings() -> HandMade:
    held = (Holding("m365_e3", 5, ends=RUNNING, row=2),)
    org = with_groups(Group("staff", 10, needs=E3), holdings=held)
    return hand_made(org, [("keep", "m365_e3", 10)], [("staff", 10, ["m365_e3"])])


def supply() -> HandMade:
    return hand_made(small_org(), [("buy", "m365_e3", 9)], [("staff", 10, ["m365_e3"])])


def holding_groups() -> HandMade:
    """10 licences held for 'desk' (2 users) serve the 10 users of 'staff' as well."""
    held = (Holding("m365_e3", 10, group="desk", ends=RUNNING, row=2),)
    org = with_groups(Group("desk", 2, needs=E3), Group("staff", 10, needs=E3), holdings=held)
    return hand_made(org, [("keep", "m365_e3", 10), ("buy", "m365_e3", 2)],
                     [("desk", 2, ["m365_e3"]), ("staff", 10, ["m365_e3"])])


def sa_backing() -> HandMade:
    """Cloud Add-ons on a desktop platform and CAL Suite held without SA."""
    held = (Holding("professional_desktop", 10, sa=False, row=2),
            Holding("core_cal_suite", 10, sa=False, row=3))
    org = with_groups(Group("staff", 10, needs=("office_apps", "mailbox")), holdings=held)
    on_prem = ["professional_desktop", "core_cal_suite"]
    return hand_made(org, [("keep", "professional_desktop", 10), ("keep", "core_cal_suite", 10),
                           ("buy", "o365_e3_addon_sa", 10)],
                     [("staff", 10, on_prem + ["o365_e3_addon_sa"])])


def platform() -> HandMade:
    """The desktop platform is kept for one group, another qualified group goes without."""
    held = (Holding("professional_desktop", 5, sa=False, row=2),)
    org = with_groups(Group("desk", 5, needs=("onprem_desktop",)),
                      Group("staff", 5, needs=("mailbox",)), holdings=held)
    return hand_made(org, [("keep", "professional_desktop", 5), ("buy", "exchange_p1", 5)],
                     [("desk", 5, ["professional_desktop"]), ("staff", 5, ["exchange_p1"])])


def full_usl() -> HandMade:
    """Full M365 E3 for users on Windows Enterprise while the platform's SA runs."""
    held = (Holding("professional_desktop", 10, sa=True, ends=RUNNING, row=2),)
    org = with_groups(Group("staff", 10, primary_device="windows_enterprise", needs=E3),
                      holdings=held)
    return hand_made(org, [("committed", "professional_desktop", 10), ("buy", "m365_e3", 10)],
                     [("staff", 10, ["m365_e3"])])


def agreement() -> HandMade:
    """Business Premium (CSP and MCA-E only) bought under an EA, at its list price."""
    org = with_groups(Group("staff", 10, needs=("office_apps", "mailbox")))
    price = CATALOG.list_in_force(org.org.as_of).unit_price("business_premium")
    return hand_made(org, [("buy", "business_premium", 10, price)],
                     [("staff", 10, ["business_premium"])])


def seat_caps() -> HandMade:
    org = with_groups(Group("staff", 301, needs=("office_apps", "mailbox")), agreement="CSP")
    return hand_made(org, [("buy", "business_premium", 301)],
                     [("staff", 301, ["business_premium"])])


def sales_rules() -> HandMade:
    org = small_org(holds_with_teams_suite=False)
    return hand_made(org, [("buy", "m365_e3", 10)], [("staff", 10, ["m365_e3"])])


def midterm_products() -> HandMade:
    org = with_groups(Group("desk", 2, needs=("onprem_desktop",)))
    return hand_made(org, [("buy", "professional_desktop", 2)],
                     [("desk", 2, ["professional_desktop"])])


def prices() -> HandMade:
    return hand_made(small_org(), [("buy", "m365_e3", 10, 30.0)], [("staff", 10, ["m365_e3"])])


def arithmetic() -> HandMade:
    plan = compliant()
    plan.annual_cost = float(plan.purchases["annual_cost"].sum()) + 100
    return plan


CASES = {f.__name__: f for f in (
    headcount, known_products, needs, eligibility, prerequisites, step_up_sources, holdings,
    supply, holding_groups, sa_backing, platform, full_usl, agreement, seat_caps, sales_rules,
    midterm_products, prices, arithmetic)}


def test_every_registered_check_has_a_plan_that_only_it_rejects():
    assert sorted(set(CHECKS) - set(CASES)) == [], "add a hand-made plan for these checks"
    assert sorted(set(CASES) - set(CHECKS)) == []


def test_the_base_of_the_cases_is_compliant():
    assert compliant().violations() == []


@pytest.mark.parametrize("name", list(CASES))
def test_the_check_alone_rejects_its_plan(name):
    plan = CASES[name]()
    assert {v.check for v in plan.violations()} == {name}, plan.violations()
    others = [c for c in CHECKS if c != name]
    assert plan.violations(others) == []


def test_the_compliance_table_has_one_row_per_check_and_names_the_breach():
    table = compliance_table(holding_groups().violations()).frame()
    assert list(table["check"]) == list(CHECKS)
    row = table.set_index("check").loc["holding_groups"]
    assert not row["passed"] and row["detail"].startswith("m365_e3: 12 units used")
    assert table.drop(index=table.index[table["check"] == "holding_groups"])["passed"].all()


def test_products_may_be_given_as_lists_or_as_workbook_text():
    plan = holding_groups()
    as_text = plan.assignments.assign(products=[" + ".join(p) for p in plan.assignments.products])
    assert audit(plan.inputs, CATALOG, plan.purchases, as_text) == plan.violations()


def test_seats_added_to_a_held_with_teams_suite_pass_the_sales_rule():
    """The options let an organization add seats of a with-Teams suite it holds, whatever
    Organization ``holds_with_teams_suite`` says; the audit used to reject that plan."""
    org = replace(small_org(holds_with_teams_suite=False), holdings=(Holding("m365_e3", 5),))
    result = planner.plan(org, alternatives=False)
    bought = result.purchases.query("action == 'buy' and product == 'm365_e3'")
    assert int(bought["quantity"].sum()) == 5
    assert result.compliance["passed"].all()
