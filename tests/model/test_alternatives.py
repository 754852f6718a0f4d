"""Alternatives (issue 15): the exact shortcut, the re-solves, deterministic ties, the deadline.

- on many generated organizations and the six scenarios, the shortcut for separable
  groups gives the table the whole-plan re-solves give (same ranks, extra costs to the
  cent, alternatives), and the organizations do have separable groups;
- the new alternatives agree with the loop they replace (the reference copy in
  ``benchmarks/resolve.py``): the same rank-1 extra cost for every group, and the same
  rows wherever that loop met no tie;
- CBC and HiGHS give the same table; a tie made on purpose goes to the first product tuple;
- a group sharing a holding, a seat cap or a platform rule is not separable;
- the deadline skips groups (or raises when no ``skipped`` list is given).
"""
from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import pulp
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.catalog.load import load_catalog
from planner.catalog.pricing import Pricing
from planner.errors import NoCompliantPlan
from planner.input.organization import Group, Holding, Organization, OrgInputs, PriceOverride
from planner.input.validate import read_org
from planner.model.alternatives import alternatives, separable_groups, tie_order
from planner.model.deadline import Deadline, DeadlineReached
from planner.model.extract import unlicensed_users
from planner.model.options import enumerate_options
from planner.model.program import build_model
from planner.model.solver import solve
from planner.table import Table
from org_builders import draw_groups

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.resolve import today_alternatives  # noqa: E402

CATALOG = load_catalog()
AS_OF, RENEWAL = date(2026, 11, 23), date(2027, 6, 30)
NEEDS = ["office_apps", "mailbox", "teams", "device_management", "windows_enterprise", "copilot",
         "identity_p2", "onprem_server_access", "vdi"]
HOLD = ["m365_e3", "copilot", "o365_e3", "core_cal_suite", "professional_desktop"]
SETTINGS = settings(max_examples=int(__import__("os").environ.get("PLANNER_PROPERTY_EXAMPLES", 40)),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANSWER = ["group", "rank", "alternative", "extra_annual_cost", "extra_annual_cost_per_user"]
SCENARIOS = [("contoso", "now"), ("alpine_ski_house", "now"), ("alpine_ski_house", "renewal"),
             ("litware", "now"), ("margies_travel", "renewal"), ("trey_research", "now"),
             ("trey_research", "renewal"), ("tailspin_toys", "now")]


@st.composite
def organizations(draw):
    groups = draw_groups(draw, NEEDS, max_groups=5, max_users=40)
    holdings = []
    for product in draw(st.lists(st.sampled_from(HOLD), max_size=2, unique=True)):
        owner = draw(st.sampled_from([None, groups[0].name]))
        holdings.append(Holding(product, draw(st.integers(1, 30)), group=owner, sa=draw(st.booleans()),
                                ends=draw(st.sampled_from([AS_OF, RENEWAL]))))
    agreement = draw(st.sampled_from(["EA", "CSP", "CSP"]))
    org = Organization(name="gen", as_of=AS_OF, renewal_date=RENEWAL, agreement=agreement,
                       holds_with_teams_suite=draw(st.booleans()))
    return OrgInputs(org, tuple(groups), tuple(holdings))


def solved(inputs, at="now", solver="cbc"):
    """The model of ``inputs`` solved, and its objective (the pipeline's steps)."""
    pricing = Pricing.for_plan(inputs, CATALOG, at)
    options = enumerate_options(inputs, CATALOG, pricing)
    if any(go.shortfalls for go in options.groups):
        raise NoCompliantPlan([s for go in options.groups for s in go.shortfalls])
    m = build_model(inputs, options, pricing, CATALOG)
    outcome = solve(m.problem, solver)
    if outcome.status != "optimal" or unlicensed_users(m):
        raise NoCompliantPlan([])
    return m, float(pulp.value(m.problem.objective))


def answers(table) -> list[tuple]:
    """The answer columns, row by row, a missing cost as None (a Table or a DataFrame)."""
    clean = lambda v: None if isinstance(v, float) and v != v else v  # noqa: E731
    return [tuple(clean(v) for v in r) for r in Table.of(table, ANSWER).rows]


def _ties(frame) -> set[str]:
    """Groups where the reference loop met a tie (a split row, or two ranks of equal cost)."""
    split = set(frame.loc[frame["alternative"].map(len) > 1, "group"])
    repeated = {g for g, f in frame.groupby("group") if f["extra_annual_cost"].duplicated().any()}
    return split | repeated


def agrees_with_the_old_loop(m, base, new, solver="cbc"):
    new = Table.of(new).frame()
    values = [v.varValue for v in m.variables]
    old = today_alternatives(m, base, solver, None, 4)  # a rank more, to see ties at the last rank
    for v, value in zip(m.variables, values):  # that loop leaves its last re-solve's values behind
        v.varValue = value
    assert {r[0]: r[3] for r in answers(new) if r[1] == 1} == {r[0]: r[3] for r in answers(old) if r[1] == 1}
    tied = _ties(old) | _ties(new)
    plain_old = old[~old["group"].isin(tied) & (old["rank"] <= 3)]
    plain_new = new[~new["group"].isin(tied)]
    assert answers(plain_new) == answers(plain_old)


@SETTINGS
@given(organizations(), st.sampled_from(["now", "renewal"]))
def test_the_shortcut_equals_the_whole_plan_re_solve(inputs, at):
    try:
        m, base = solved(inputs, at)
    except NoCompliantPlan:
        assume(False)
    fast = alternatives(m, base, "cbc", None, 3)
    full = alternatives(m, base, "cbc", None, 3, shortcut=False)
    assert answers(fast) == answers(full)
    agrees_with_the_old_loop(m, base, fast)


def test_generated_organizations_do_have_separable_groups():
    """The property above compares something: groups without shared rules are separable."""
    org = Organization(name="csp", as_of=AS_OF, renewal_date=RENEWAL, agreement="CSP")
    inputs = OrgInputs(org, (Group("a", 12, needs=("office_apps", "mailbox")),
                             Group("b", 7, needs=("copilot", "teams"))), ())
    m, base = solved(inputs)
    assert set(separable_groups(m)) == {0, 1}
    fast = alternatives(m, base, "cbc", None, 3)
    assert set(fast.column("note")) == {"the group's next cheapest choice; the rest of the plan is unchanged "
                                 "(it shares no holding, cap or platform rule)"}
    assert answers(fast) == answers(alternatives(m, base, "cbc", None, 3, shortcut=False))


def test_a_shared_holding_or_an_owned_holding_makes_a_group_not_separable():
    org = Organization(name="csp", as_of=AS_OF, renewal_date=RENEWAL, agreement="CSP")
    groups = (Group("a", 12, needs=("office_apps", "mailbox")), Group("b", 7, needs=("copilot", "teams")),
              Group("c", 5, needs=("mailbox",)))
    pooled = OrgInputs(org, groups, (Holding("m365_e3", 10, ends=RENEWAL),))
    m, _ = solved(pooled)
    users_e3 = {gi for (gi, bi) in m.col_users if "m365_e3" in m.options.groups[gi].bundles[bi].products}
    assert users_e3 and not users_e3 & set(separable_groups(m))
    owned = OrgInputs(org, groups, (Holding("copilot", 3, group="b", ends=RENEWAL),))
    m, _ = solved(owned)
    assert 1 not in separable_groups(m)


def test_a_seat_cap_within_reach_joins_its_groups_and_one_out_of_reach_does_not():
    org = Organization(name="csp", as_of=AS_OF, renewal_date=RENEWAL, agreement="CSP")
    for users, joined in ((200, True), (100, False)):  # Business plans: 300 seats
        inputs = OrgInputs(org, (Group("a", users, needs=("mailbox",)), Group("b", users, needs=("mailbox",))), ())
        m, _ = solved(inputs)
        capped = [p for p in m.demand_terms if CATALOG.product(p).max_seats == 300]
        assert capped
        assert (separable_groups(m) == {}) is joined


@pytest.fixture(scope="module")
def scenario_models(scenario_path):
    return {(name, at): solved(read_org(scenario_path(name)), at) for name, at in SCENARIOS}


@pytest.mark.parametrize("name,at", SCENARIOS)
def test_scenarios_shortcut_re_solve_and_old_loop_agree(scenario_models, name, at):
    m, base = scenario_models[name, at]
    fast = alternatives(m, base, "cbc", None, 3)
    assert answers(fast) == answers(alternatives(m, base, "cbc", None, 3, shortcut=False))
    agrees_with_the_old_loop(m, base, fast)


@pytest.fixture(scope="module")
def synthetic():
    """A benchmark organization (2,000 users, 40 personas, renewal): no group is separable."""
    from benchmarks.generate import synthetic_org

    return solved(synthetic_org(2000, 40, 6, 0), "renewal")


def _cases(scenario_models, synthetic):
    return [scenario_models[k] for k in SCENARIOS] + [synthetic]


def test_cbc_and_highs_give_the_same_table(scenario_models, synthetic):
    """Given the plan, the table does not depend on the solver of the re-solves."""
    for m, base in _cases(scenario_models, synthetic):
        cbc = answers(alternatives(m, base, "cbc", None, 3, shortcut=False))
        assert cbc and cbc == answers(alternatives(m, base, "highs", None, 3, shortcut=False))


def test_the_in_process_proof_agrees_with_cbc_on_every_re_solve(scenario_models, synthetic, monkeypatch):
    """The LP-first re-solves (no CBC process) give what CBC gives solving every one."""
    import planner.model.alternatives as module
    from planner.model.solver import HighsResult

    fast = [answers(alternatives(m, base, "cbc", None, 3, shortcut=False)) for m, base in
            _cases(scenario_models, synthetic)]
    monkeypatch.setattr(module._Resolver, "_lp_first", lambda self, *args: HighsResult("unproven"))
    assert fast == [answers(alternatives(m, base, "cbc", None, 3, shortcut=False)) for m, base in
                    _cases(scenario_models, synthetic)]


def test_the_synthetic_organization_agrees_with_the_old_loop(synthetic):
    m, base = synthetic
    assert not separable_groups(m)
    agrees_with_the_old_loop(m, base, alternatives(m, base, "cbc", None, 3))


def _tied_org():
    """Two bundles of exactly the same cost for one group: Office 365 E3 priced as Microsoft
    365 E3 for a group whose needs either covers alone."""
    org = Organization(name="tie", as_of=AS_OF, renewal_date=RENEWAL, agreement="CSP")
    group = Group("staff", 9, needs=("office_apps", "mailbox", "teams"))
    return OrgInputs(org, (group,), ())


@pytest.mark.parametrize("shortcut", [True, False])
@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_tie_goes_to_the_first_product_tuple(solver, shortcut):
    inputs = _tied_org()
    m, base = solved(inputs, "now", solver)
    go = m.options.groups[0]
    prices = Pricing.for_plan(inputs, CATALOG, "now")
    cost = {b.products: sum(prices.buy_price(p) or 0 for p in b.products) for b in go.bundles}
    ranked = sorted(cost.values())
    assert len(ranked) >= 3
    # price the second and third cheapest bundles' first differing product so that they tie
    second, third = sorted((b for b in cost if cost[b] in ranked[1:3]), key=lambda b: (cost[b], b))[:2]
    gap = cost[third] - cost[second]
    only = [p for p in third if p not in second]
    target = only[0]
    override = PriceOverride(target, (prices.buy_price(target) or 0) - gap)
    tied = dataclasses.replace(inputs, prices=(override,))
    m, base = solved(tied, "now", solver)
    frame = alternatives(m, base, solver, None, 3, shortcut=shortcut).frame()
    go = m.options.groups[0]
    order = tie_order(go.bundles)
    extras = list(frame["extra_annual_cost"])
    pairs = [(extras[k], frame["alternative"].iloc[k]) for k in range(len(frame))]
    for (e1, a1), (e2, a2) in zip(pairs, pairs[1:]):
        assert len(a1) == 1
        if e1 == e2:  # a tie: the earlier rank has the earlier product tuple
            pos = {go.bundles[bi].products: order[bi] for bi in range(len(go.bundles))}
            assert pos[a1[0]] < pos[a2[0]]
    assert any(e1 == e2 for (e1, _), (e2, _) in zip(pairs, pairs[1:]))


def test_separable_groups_see_the_pulp_bounds_once_they_exist():
    org = Organization(name="csp", as_of=AS_OF, renewal_date=RENEWAL, agreement="CSP")
    inputs = OrgInputs(org, (Group("a", 12, needs=("office_apps", "mailbox")),), ())
    m, _ = solved(inputs)
    assert 0 in separable_groups(m)
    m.users[0, 0].upBound = 5  # neither 0 nor the headcount: no closed form
    assert 0 not in separable_groups(m)
    m.users[0, 0].upBound = 0
    assert not separable_groups(m)[0].allowed[0]


def test_the_deadline_skips_groups_or_raises(scenario_path):
    m, base = solved(read_org(scenario_path("trey_research")), "renewal")
    spent = Deadline(0.0)
    skipped: list[str] = []
    frame = alternatives(m, base, "cbc", spent, 3, skipped).frame()
    resolved = [go.group.name for gi, go in enumerate(m.options.groups) if gi not in separable_groups(m)
                and any(g == gi for (g, _) in m.col_users if (m.users[g, _].value() or 0) > 0.5)]
    assert resolved and set(skipped) == set(resolved)
    assert not set(frame["group"]) & set(skipped)
    with pytest.raises(DeadlineReached):
        alternatives(m, base, "cbc", Deadline(0.0), 3, None)


def test_progress_is_told_of_every_group_in_order(scenario_path):
    m, base = solved(read_org(scenario_path("contoso")))
    seen = []
    alternatives(m, base, "cbc", None, 1, [], lambda phase, k, n: seen.append((phase, k, n)))
    n = len(m.options.groups)
    assert seen == [("alternatives", k, n) for k in range(1, n + 1)]


def test_a_default_run_shows_no_solver_banner(scenario_path):
    """The in-process re-solves make a HiGHS instance; its banner reaches neither stream."""
    import subprocess

    code = ("import planner; r = planner.plan(planner.read_org(%r), robustness=False); "
            "assert len(r.alternatives)" % str(scenario_path("contoso")))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "" and "HiGHS" not in done.stderr


@pytest.mark.parametrize("fallback", [True, False])
def test_a_re_solve_for_cbc_where_cbc_cannot_run(scenario_path, tmp_path, monkeypatch, fallback):
    """With TMPDIR unusable CBC cannot write its files. By default (no --solver) the re-solves
    the LPs leave to CBC go to HiGHS's MIP, with the same answers; with CBC named, one error."""
    from planner.errors import SolverError
    from planner.model import alternatives as module

    m, base = solved(read_org(scenario_path("litware")), "now")
    expected = answers(alternatives(m, base, "highs", None, 2, shortcut=False))
    real = module._Resolver._lp_first

    def unproven_for_cbc(self, upper, cost, limit):  # every re-solve goes the CBC way
        result = real(self, upper, cost, limit)
        return module.HighsResult("unproven") if self.solver == "cbc" else result

    monkeypatch.setattr(module._Resolver, "_lp_first", unproven_for_cbc)
    bad = tmp_path / "a-file"
    bad.write_text("not a folder")
    monkeypatch.setenv("TMPDIR", str(bad))
    monkeypatch.setattr("tempfile.tempdir", None)
    if fallback:
        found = alternatives(m, base, "cbc", None, 2, shortcut=False, fallback=True)
        assert answers(found) == expected
    else:
        with pytest.raises(SolverError, match="cannot create a temporary folder"):
            alternatives(m, base, "cbc", None, 2, shortcut=False)
