"""The solver wrapper: default, outcome normalisation, gap against the LP relaxation."""
from __future__ import annotations

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


def test_default_is_cbc_as_the_benchmarks_measured():
    assert DEFAULT_SOLVER == "cbc"
