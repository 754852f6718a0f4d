"""Timeline plans (``at="timeline"``): the seed's paths, the chained bound, the audit of every period."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings, HealthCheck

import planner
from planner.audit.timeline import audit_transitions
from planner.catalog.load import load_catalog
from planner.errors import InputError
from planner.input.organization import Group, Growth, Organization, OrgInputs
from planner.model.periods import timeline_periods
from test_properties import organizations

CATALOG = load_catalog()


def edition(product: str) -> str:
    """A (no Teams) SKU counts as the suite it is a variant of (as in test_scenarios)."""
    return CATALOG.product(product).variant_of or product


def actions(result, period: int) -> dict[tuple[str, str], int]:
    """(action, edition) -> units in one period, Teams Enterprise left out."""
    lines = result.timeline.lines
    out: dict[tuple[str, str], int] = {}
    for r in lines[lines["period"] == period].itertuples(index=False):
        if r.product != "teams_enterprise":
            key = (r.action, edition(r.product))
            out[key] = out.get(key, 0) + int(r.quantity)
    return out


@pytest.fixture(scope="module")
def solved(scenario_path):
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = planner.plan(planner.read_org(scenario_path(name)), at="timeline")
        return cache[name]
    return get


def renewal_period(result) -> int:
    periods = result.timeline.periods
    return int(periods.loc[periods["at"] == "renewal", "period"].iloc[0])


def test_alpine_buys_add_ons_now_and_full_usls_at_renewal(solved):
    result = solved("alpine_ski_house")
    assert actions(result, 0)[("buy", "m365_e3_addon_sa")] == 1400
    r = renewal_period(result)
    at_renewal = actions(result, r)
    assert at_renewal[("buy", "m365_e3")] == 1400
    assert at_renewal[("drop", "professional_desktop")] == 1400
    assert ("renew", "professional_desktop") not in at_renewal
    # the add-ons bought now run, unchanged, in every period up to the renewal
    for t in range(1, r):
        assert actions(result, t)[("running", "m365_e3_addon_sa")] == 1400
        assert ("buy", "m365_e3_addon_sa") not in actions(result, t)


def test_trey_swaps_add_ons_at_the_anniversary_and_takes_the_cheaper_renewal_path(solved, scenario_path):
    result = solved("trey_research")
    now = actions(result, 0)
    assert now[("drop", "o365_e3_addon_sa")] == 200 and now[("buy", "m365_e3_addon_sa")] == 1000
    r = renewal_period(result)
    point = planner.plan(planner.read_org(scenario_path("trey_research")), at="renewal",
                         alternatives=False, robustness=False)
    renewal_rows = result.timeline.lines[result.timeline.lines["period"] == r]
    assert result.timeline.periods.loc[r, "annual_cost"] == pytest.approx(point.annual_cost, abs=0.01)
    bought = set(renewal_rows.loc[renewal_rows["action"].isin(["buy", "renew"]), "product"])
    assert bought == set(point.purchases.loc[point.purchases["action"].isin(["buy", "keep"]), "product"])


def test_tailspin_trues_up_in_the_first_period(solved):
    result = solved("tailspin_toys")
    now = actions(result, 0)
    assert now[("true-up", "enterprise_desktop")] == 25
    assert now[("buy", "m365_e3_addon_sa")] == 750 and now[("buy", "vda_user")] == 10


@pytest.mark.parametrize("name", ["alpine_ski_house", "trey_research", "tailspin_toys"])
def test_timeline_never_costs_more_than_the_chained_point_plans(solved, name):
    tl = solved(name).timeline
    assert tl.chained_total_cost is not None
    assert tl.total_cost <= tl.chained_total_cost + 0.01
    assert tl.total_cost == pytest.approx(tl.periods["cost"].sum(), abs=0.01)
    assert all(table["passed"].all() for table in tl.compliance)


def growing_mca_e(users_now: int = 100, users_later: int = 200) -> OrgInputs:
    """An MCA-E customer that grows a month before a list price increase (2026-07-01)."""
    org = Organization(name="Grow", agreement="MCA-E", as_of=date(2026, 6, 1),
                       renewal_date=date(2027, 6, 1), holds_with_teams_suite=False)
    return OrgInputs(org, (Group("staff", users_now, needs=("mailbox_kiosk", "office_web", "teams")),),
                     growth=(Growth("staff", date(2026, 7, 1), users_later),))


def test_buying_ahead_of_a_price_increase_beats_planning_one_point_at_a_time():
    result = planner.plan(growing_mca_e(), at="timeline")
    tl = result.timeline
    assert tl.total_cost < tl.chained_total_cost - 100
    first = tl.lines[tl.lines["period"] == 0]
    # the path buys the later headcount now, at the old price, for the whole annual term
    assert int(first.loc[first["action"] == "buy", "quantity"].sum()) == 200


def test_growth_and_price_lists_start_periods():
    periods = timeline_periods(growing_mca_e(), CATALOG, years=1)
    assert [p.start for p in periods] == [date(2026, 6, 1), date(2026, 7, 1), date(2027, 6, 1)]
    assert [p.at for p in periods] == ["now", "now", "renewal"]
    assert periods[-1].end == date(2028, 6, 1)


def test_years_after_the_renewal_add_periods_and_discount_them(scenario_path):
    inputs = planner.read_org(scenario_path("trey_research"))
    inputs = inputs.replace(org=replace(inputs.org, discount_rate=0.10))
    result = planner.plan(inputs, at="timeline", years=2, chained=False)
    periods = result.timeline.periods
    assert len(periods) == 3 and periods["at"].tolist() == ["now", "renewal", "now"]
    assert periods.loc[2, "discounted_cost"] == pytest.approx(periods.loc[2, "cost"] / 1.1 ** 2, rel=1e-6)
    # lines bought at the renewal run on through the year after it
    later = result.timeline.lines[result.timeline.lines["period"] == 2]
    assert set(later["action"]) <= {"running", "buy", "true-up", "step-up", "renew", "drop"}
    assert (later["action"] == "running").any()


def test_timeline_needs_a_renewal_date():
    org = Organization(name="x", as_of=date(2026, 11, 23))
    with pytest.raises(InputError, match="renewal_date"):
        planner.plan(OrgInputs(org, (Group("g", 5, needs=("mailbox_kiosk",)),)), at="timeline")


def test_transition_audit_rejects_a_purchase_that_stops_mid_term(solved, scenario_path):
    tl = solved("alpine_ski_house").timeline
    alpine = planner.read_org(scenario_path("alpine_ski_house"))
    assert audit_transitions(alpine, CATALOG, tl.periods, tl.lines) == []
    broken = tl.lines[~((tl.lines["period"] == 1) & (tl.lines["action"] == "running")
                        & (tl.lines["product"] == "m365_e3_addon_sa"))]
    found = audit_transitions(alpine, CATALOG, tl.periods, broken)
    assert any("m365_e3_addon_sa" in f and "run until" in f for f in found)


def test_transition_audit_rejects_wrong_arithmetic_and_renewals_above_holdings(solved, scenario_path):
    tl = solved("tailspin_toys").timeline
    inputs = planner.read_org(scenario_path("tailspin_toys"))
    lines = tl.lines.copy()
    row = lines.index[(lines["action"] == "renew")][0]
    lines.loc[row, "quantity"] = 5000
    found = audit_transitions(inputs, CATALOG, tl.periods, lines)
    assert any("renewed, only" in f for f in found)
    assert any("costs" in f for f in found)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations())
def test_generated_timelines_pass_every_audit_and_beat_the_chain(inputs):
    try:
        result = planner.plan(inputs, at="timeline")
    except planner.NoCompliantPlan:
        return
    tl = result.timeline
    assert tl.total_cost <= tl.chained_total_cost + 0.01
    assert all(table["passed"].all() for table in tl.compliance)


def test_a_tie_kept_for_a_possible_platform_is_realized_in_its_period():
    """Hypothesis found it: under an EA the renewal period is planned with every platform as
    a possible holding, so M365 F3 and F1 + Windows Enterprise E3 (the same price) are both
    options; the timeline took F3, which the rebuilt period had pruned as a tie."""
    org = Organization(name="gen", agreement="EA", as_of=date(2026, 11, 23),
                       renewal_date=date(2027, 6, 30))
    group = Group("g0", 1, worker="frontline", primary_device="windows_pro",
                  needs=("teams", "windows_enterprise"))
    result = planner.plan(OrgInputs(org, (group,)), at="timeline")
    assert all(table["passed"].all() for table in result.timeline.compliance)
    assert result.timeline.total_cost <= result.timeline.chained_total_cost + 0.01


def test_seats_added_mid_term_keep_the_price_of_the_first_order():
    """EA price lock: seats added after the July 2026 increase keep June's price."""
    org = Organization(name="Lock", agreement="EA", as_of=date(2026, 6, 1),
                       renewal_date=date(2027, 6, 30), holds_with_teams_suite=True)
    inputs = OrgInputs(org, (Group("staff", 100, needs=("m365_e3_equivalent",)),),
                       growth=(Growth("staff", date(2026, 9, 1), 200),))
    tl = planner.plan(inputs, at="timeline", chained=False).timeline
    lines = tl.lines
    june = lines[(lines["start"] == "2026-06-01") & (lines["action"] == "buy")]
    added = lines[(lines["start"] == "2026-09-01") & (lines["action"] == "buy")]
    assert june["quantity"].sum() == 100 and added["quantity"].sum() == 100
    assert (added["unit_price"] == june["unit_price"].iloc[0]).all()
    assert added["note"].str.contains("locked by the order of 2026-06-01").all()
    renewal = lines[(lines["start"] == "2027-06-30") & (lines["action"] == "buy")]
    assert (renewal["unit_price"] > june["unit_price"].iloc[0]).all(), "the renewal pays the new list"
    assert all(table["passed"].all() for table in tl.compliance)


def test_a_spent_deadline_skips_the_chained_comparison_with_a_message(monkeypatch, scenario_path):
    import planner.timeline as timeline_module
    from planner.model.deadline import DeadlineReached

    def spent(*args, **kwargs):
        raise DeadlineReached("the time limit of 1 s ran out")

    monkeypatch.setattr(timeline_module, "_chained_total", spent)
    result = planner.plan(planner.read_org(scenario_path("trey_research")), at="timeline", time_limit=60)
    assert result.timeline.chained_total_cost is None
    assert any("not also planned one at a time" in m for m in result.messages)
    assert result.timeline.saving_over_chained is None
