"""The solver wrapper: defaults, outcome normalisation, gap against the LP relaxation."""
from __future__ import annotations

import sys
from pathlib import Path

import pulp
import pytest

from planner.model.solver import DEFAULT_SOLVER, SOLVERS, _gap, solve


def knapsack():
    p = pulp.LpProblem("t", pulp.LpMinimize)
    x = p.add_variable("x", 0, 10, "Integer")
    y = p.add_variable("y", 0, 10, "Integer")
    p += 3 * x + 5 * y
    p += 2 * x + 3 * y >= 7.5
    return p, x, y


@pytest.mark.parametrize("name", SOLVERS)
def test_both_solvers_prove_the_same_optimum(name):
    p, x, y = knapsack()
    outcome = solve(p, name)
    assert outcome.status == "optimal" and outcome.gap == 0 and outcome.solver == name
    assert pulp.value(p.objective) == pytest.approx(12.0)


@pytest.mark.parametrize("name", SOLVERS)
def test_gap_against_the_lp_relaxation_keeps_the_incumbent(name):
    p, x, y = knapsack()
    solve(p, name)
    # LP bound 11.25 against the integer optimum 12: (12 - 11.25) / 12
    assert _gap(p, "cbc") == pytest.approx(0.0625)
    assert (x.value(), y.value()) == (4.0, 0.0)


def test_each_kind_of_model_goes_to_its_measured_default_first():
    """A plan's model (arrays) to HiGHS in process, a PuLP problem (timeline, roles) to CBC."""
    from org_builders import small_org

    from planner.catalog.load import load_catalog
    from planner.catalog.pricing import Pricing
    from planner.model.options import enumerate_options
    from planner.model.program import build_model
    from planner.model.solver import PULP_DEFAULT_SOLVER, solve_model

    assert (DEFAULT_SOLVER, PULP_DEFAULT_SOLVER) == ("highs", "cbc")
    p = pulp.LpProblem("t", pulp.LpMinimize)
    x = p.add_variable("x", 0, 2, "Integer")
    p += x
    p += (x >= 1, "one")
    assert solve(p).solver == PULP_DEFAULT_SOLVER
    inputs, catalog = small_org(), load_catalog()
    pricing = Pricing.for_plan(inputs, catalog, "now")
    m = build_model(inputs, enumerate_options(inputs, catalog, pricing), pricing, catalog)
    assert solve_model(m).solver == DEFAULT_SOLVER


def test_highs_takes_an_integral_lp_optimum_as_proven():
    p = pulp.LpProblem("t", pulp.LpMinimize)
    x = p.add_variable("x", 0, 2, "Integer")
    y = p.add_variable("y", 0, 2, "Integer")
    p += 2 * x + 3 * y
    p += (x + y == 3, "headcount")
    outcome = solve(p, "highs")
    assert outcome.status == "optimal" and outcome.solver == "highs"
    assert (x.value(), y.value()) == (2.0, 1.0) and pulp.value(p.objective) == 7.0


@pytest.mark.parametrize("at", ["now", "renewal"])
def test_highs_proves_cbcs_optimum_where_its_lp_is_fractional(at):
    """20,000 users / 100 personas, seed 2: HiGHS's LP optimum is fractional; the point
    rounded on the headcount rows costs more than the optimum (2,853,786.12 vs
    2,853,750.96 at now), so it must start the MIP, not be taken as the answer."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the benchmarks' generator
    from benchmarks.generate import synthetic_org
    from planner.catalog.load import load_catalog
    from planner.catalog.pricing import Pricing
    from planner.model.options import enumerate_options
    from planner.model.program import build_model

    catalog = load_catalog()
    inputs = synthetic_org(20_000, 100, 20, 2)
    pricing = Pricing.for_plan(inputs, catalog, at)
    options = enumerate_options(inputs, catalog, pricing)
    found = {}
    for name in SOLVERS:
        m = build_model(inputs, options, pricing, catalog)
        outcome = solve(m.problem, name)
        assert outcome.status == "optimal" and outcome.solver == name
        found[name] = pulp.value(m.problem.objective)
    assert found["highs"] == pytest.approx(found["cbc"], rel=1e-9)


@pytest.mark.parametrize("name", SOLVERS)
def test_a_fractional_platform_binary_is_settled_by_enumeration(name):
    """LP optimum a = 1/3 (6.33); fixing a = 0 is infeasible and a = 1 gives the integral
    LP optimum 7, which both solvers must prove."""
    p = pulp.LpProblem("t", pulp.LpMinimize)
    a = p.add_variable("active", 0, 1, "Binary")
    x = p.add_variable("x", 0, 3, "Integer")
    y = p.add_variable("y", 0, 3, "Integer")
    p += x + 2 * y + 4 * a
    p += (x + y == 3, "headcount")
    p += (x <= 3 * a, "family_in_use")
    p += (x >= 1, "needs_family")
    outcome = solve(p, name)
    assert outcome.status == "optimal" and outcome.gap == 0
    assert (a.value(), x.value(), y.value()) == (1.0, 3.0, 0.0) and pulp.value(p.objective) == 7.0

