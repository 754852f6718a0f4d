"""Price sweeps from one reused model (planner.model.reprice) give today's table.

Today's path is ``sweep(..., reuse_model=False)``: every point through ``planner.plan``.
Status, annual cost, baseline, committed cost, savings and messages must be equal at every point.
Product columns must be equal too, except where a point has several optimal plans of the
same cost (the catalog has exact ties, e.g. E3 + the E5 Security and Compliance add-ons
against the E3 -> E5 step-up at some prices): the two paths may then pick different ones,
so there the product columns must at least cost the same (``values="annual_cost"``).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.catalog.load import load_catalog
from planner.catalog.pricing import Pricing
from planner.examples import tiny_org
from planner.explore import sweep, with_changes
from planner.input.organization import Holding, Organization, OrgInputs
from planner.input.validate import read_org
from planner.model import reprice
from planner.model.options import enumerate_options
from org_builders import draw_groups

CORE = ["status", "annual_cost", "baseline_annual_cost", "committed_annual_cost", "savings", "price_list",
        "message"]
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NEEDS = ["m365_e3_equivalent", "m365_e5_equivalent", "o365_e3_equivalent", "copilot", "vdi",
         "onprem_desktop", "onprem_server_access", "frontline_basic", "identity_p2", "teams"]
HOLD = ["m365_e3", "m365_e5", "copilot", "professional_desktop", "core_cal_suite", "o365_e3"]
SWEPT = ["copilot", "m365_e3", "m365_e5", "m365_e5_security", "step_m365_e3_to_e5", "o365_e3",
         "vda_user", "ems_e3", "m365_f3"]
AS_OF, RENEWAL = date(2026, 11, 23), date(2027, 6, 30)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture
def reused(monkeypatch):
    """Counts the points planned from a reused model (so a test cannot pass by not using it)."""
    calls = []
    original = reprice.PriceSweep.plan

    def counting(self, k, *args, **kwargs):
        calls.append(k)
        return original(self, k, *args, **kwargs)

    monkeypatch.setattr(reprice.PriceSweep, "plan", counting)
    return calls


def assert_same_table(org, grid, at, solver, catalog, reused, exact_products=False, reuse_all=True):
    """The reused-model sweep equals today's (see the module docstring); ``reuse_all``: every
    point was planned from a reused model (unless a group has no compliant bundle at all)."""
    before = len(reused)
    today = sweep(org, grid, at=at, catalog=catalog, solver=solver, progress=False, reuse_model=False)
    assert len(reused) == before
    fast = sweep(org, grid, at=at, catalog=catalog, solver=solver, progress=False)
    planned = len(reused) - before
    if planned == 0:  # a group with no compliant bundle at all: today's path names it
        assert (today["status"] == "infeasible").all()
    else:
        assert planned == len(today) or not reuse_all and planned >= 2, "the points did not reuse one model"
    assert today[CORE].equals(fast[CORE]), (today[CORE], fast[CORE])
    products = sorted(set(today.attrs["products"]) | set(fast.attrs["products"]))
    a = today.reindex(columns=products, fill_value=0.0)
    b = fast.reindex(columns=products, fill_value=0.0)
    if exact_products or a.equals(b):
        assert a.equals(b), (a, b)
        return planned
    cost_a = sweep(org, grid, at=at, catalog=catalog, solver=solver, progress=False, values="annual_cost",
                   reuse_model=False)
    cost_b = sweep(org, grid, at=at, catalog=catalog, solver=solver, progress=False, values="annual_cost")
    for col in (cost_a, cost_b):
        col["total"] = col[col.attrs["products"]].sum(axis=1).round(2)
    assert cost_a["total"].equals(cost_b["total"])
    assert (cost_b["total"] == fast["annual_cost"].round(2)).all()
    return planned


@st.composite
def organizations(draw):
    groups = draw_groups(draw, NEEDS, max_groups=3, max_users=30)
    holdings = []
    for product in draw(st.lists(st.sampled_from(HOLD), max_size=3, unique=True)):
        onprem = product in ("professional_desktop", "core_cal_suite")
        holdings.append(Holding(product, draw(st.integers(1, 40)), sa=onprem or draw(st.booleans()),
                                ends=draw(st.sampled_from([AS_OF, RENEWAL, date(2028, 6, 30)])),
                                group=draw(st.sampled_from([None, None, "g0"]))))
    org = Organization(name="gen", agreement=draw(st.sampled_from(["EA", "EA", "CSP"])), as_of=AS_OF,
                       renewal_date=RENEWAL, holds_with_teams_suite=draw(st.sampled_from([None, True])))
    return OrgInputs(org, tuple(groups), tuple(holdings))


@st.composite
def price_grids(draw):
    kind = draw(st.sampled_from(["product", "product", "two", "discount"]))
    values = st.lists(st.sampled_from([0.0, 1.5, 4.0, 8.0, 12.0, 20.0, 27.0, 36.0, 45.0, 57.0, 60.0]),
                      min_size=2, max_size=4, unique=True)
    if kind == "discount":
        return {"discount_pct": draw(st.lists(st.sampled_from([0, 5, 12.5, 30, 60]), min_size=2, max_size=3,
                                              unique=True))}
    first = draw(st.sampled_from(SWEPT))
    grid = {f"prices.{first}": draw(values)}
    if kind == "two":
        second = draw(st.sampled_from([p for p in SWEPT if p != first]))
        grid[f"prices.{second}"] = draw(st.lists(st.sampled_from([3.0, 25.0, 50.0]), min_size=1, max_size=2,
                                                 unique=True))
    return grid


@pytest.mark.parametrize("solver", ["cbc", "highs"])
@settings(max_examples=int(__import__("os").environ.get("PLANNER_PROPERTY_EXAMPLES", 25)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(org=organizations(), grid=price_grids(), at=st.sampled_from(["now", "renewal"]))
def test_generated_orgs_and_price_grids(org, grid, at, solver, catalog, reused):
    planned = assert_same_table(org, grid, at, solver, catalog, reused)
    event("reused model" if planned else "a group with no compliant bundle: today's path")


@pytest.mark.parametrize("solver", ["cbc", "highs"])
@pytest.mark.parametrize("at", ["now", "renewal"])
@pytest.mark.parametrize("name", ["contoso", "litware"])
def test_seed_scenarios(name, at, solver, catalog, reused):
    org = read_org(SCENARIOS / f"{name}.xlsx")
    for grid in ({"prices.copilot": [0, 15, 30, 45]}, {"discount_pct": [0, 20, 40]},
                 {"prices.m365_e5": [20, 40, 60], "prices.m365_e3": [18, 36]}):
        assert_same_table(org, grid, at, solver, catalog, reused, exact_products=solver == "cbc")


def test_a_price_list_sweep_reuses_the_model_where_availability_agrees(catalog, reused):
    lists = catalog.price_list_ids()
    assert_same_table(tiny_org(), {"price_list": lists}, "renewal", "cbc", catalog, reused, reuse_all=False)


def test_points_that_change_more_than_prices_take_todays_path(catalog, reused):
    org = tiny_org()
    sweep(org, {"users.office": [10, 20, 30]}, at="now", catalog=catalog, progress=False)
    sweep(org, {"at": ["now", "renewal"], "prices.copilot": [10, 20]}, catalog=catalog, progress=False)
    sweep(org, {"prices.copilot": [10, 20]}, lambda o: o, catalog=catalog, progress=False)
    sweep(org, {"prices.copilot": [10]}, catalog=catalog, progress=False)  # one point: nothing to share
    assert reused == []
    sweep(org, [{"prices.copilot": 10}, {"users.office": 5}, {"prices.copilot": 30}], catalog=catalog,
          progress=False)
    assert reused == [0, 1]


def test_the_points_must_agree_on_what_can_be_bought(catalog):
    org = tiny_org()
    free = with_changes(org, prices={"copilot": 0.0}, catalog=catalog)
    base = Pricing.for_plan(org, catalog, "now")
    enumerate_options(org, catalog, base, also=[Pricing.for_plan(free, catalog, "now")])
    no_list = [p for p in catalog.price_list_ids()
               if reprice.price_signature(Pricing.for_plan(with_changes(org, price_list=p, catalog=catalog),
                                                           catalog, "now")) != reprice.price_signature(base)]
    later = with_changes(org, as_of="2027-01-15", catalog=catalog)
    with pytest.raises(ValueError, match="price points"):
        enumerate_options(org, catalog, base, also=[Pricing.for_plan(later, catalog, "renewal")])
    for p in no_list:
        with pytest.raises(ValueError, match="price points"):
            other = Pricing.for_plan(with_changes(org, price_list=p, catalog=catalog), catalog, "now")
            enumerate_options(org, catalog, base, also=[other])


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_dearer_unused_product_needs_no_new_solve(catalog, solver):
    """Raising the price of a product the plan does not use keeps the last optimum (no
    solve); lowering it solves again. Both give what planner.plan gives."""
    from planner.pipeline import plan

    org = tiny_org()
    points = [with_changes(org, prices={"m365_e7": v}, catalog=catalog) for v in (95.0, 120.0, 100.0, 50.0)]
    shared = reprice.PriceSweep(points, catalog, "renewal")
    results = [shared.plan(k, solver) for k in range(len(points))]
    assert [r.purchases["product"].eq("m365_e7").any() for r in results] == [False, False, False, True]
    assert shared._plans.reused == 2  # 120 and 100 after 95; 50 is cheaper: solved
    for inputs, result in zip(points, results):
        today = plan(inputs, at="renewal", catalog=catalog, solver=solver, alternatives=False)
        assert (result.annual_cost, result.baseline_annual_cost) == (today.annual_cost, today.baseline_annual_cost)
        lines = ["action", "product", "quantity"]
        assert result.purchases[lines].equals(today.purchases[lines])
