"""The array build and the array solve (issue 15).

- the PuLP problem made from the solver-neutral matrix has the matrix's names,
  coefficients and bounds (read back from PuLP as HiGHS would read them);
- ``solve_model`` (alike groups merged, HiGHS from arrays, LP first, platform binaries
  enumerated) proves the optimum CBC proves on the PuLP problem, at now and at renewal,
  on the six scenarios and on generated organizations, and its plan holds every row of
  the full model;
- merging alike groups and spreading the merged plan back keeps every headcount.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalog.load import load_catalog
from planner.catalog.pricing import Pricing
from planner.input.validate import read_org
from planner.model.aggregate import alike_groups
from planner.model.options import enumerate_options
from planner.model.program import build_model
from planner.model.solver import _pulp_arrays, solve, solve_model

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the benchmarks' generator
from benchmarks.generate import synthetic_org  # noqa: E402

CATALOG = load_catalog()
SCENARIOS = sorted((ROOT / "scenarios").glob("*.xlsx"))
SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
orgs = st.tuples(st.integers(20, 3_000), st.integers(2, 40), st.integers(0, 20), st.integers(0, 50))


def _model(inputs, at):
    pricing = Pricing.for_plan(inputs, CATALOG, at)
    return build_model(inputs, enumerate_options(inputs, CATALOG, pricing), pricing, CATALOG)


def _same_matrix(m) -> None:
    """The PuLP problem, read back into arrays, is the matrix (by column name)."""
    a = m.matrix.arrays()
    b = _pulp_arrays(m.problem)
    names = {v.name: i for i, v in enumerate(m.problem.variables())}
    mine = [n.translate(pulp.LpElement.trans) for n in m.matrix.col_names]  # PuLP's spelling
    assert sorted(names) == sorted(mine)
    perm = np.array([names[n] for n in mine])  # matrix column -> PuLP column
    assert [c.name for c in m.problem.constraints()] == [
        n.translate(pulp.LpElement.trans) for n in m.matrix.row_names]
    for field in ("col_lower", "col_upper", "cost", "integer"):
        assert np.array_equal(getattr(a, field), getattr(b, field)[perm]), field
    assert np.array_equal(a.row_lower, b.row_lower) and np.array_equal(a.row_upper, b.row_upper)
    assert np.array_equal(a.starts, b.starts) and np.array_equal(a.value, b.value)
    assert np.array_equal(perm[a.index], b.index)


def _check_solve(inputs, at) -> None:
    ref = _model(inputs, at)
    assert solve(ref.problem, "cbc").status == "optimal"
    want = pulp.value(ref.problem.objective)
    for name in ("highs", "cbc"):
        m = _model(inputs, at)
        outcome = solve_model(m, name)
        assert outcome.status == "optimal" and outcome.solver == name
        if name == "highs":
            assert not m.materialised  # the array solve made no PuLP object
        assert m.objective_value() == pytest.approx(want, rel=1e-9, abs=1e-6)
        a, x = m.matrix.arrays(), m.solution
        activity = a.activity(x)
        assert np.all(activity >= a.row_lower - 1e-6) and np.all(activity <= a.row_upper + 1e-6)
        assert np.all(x >= a.col_lower) and np.all(x <= a.col_upper)
        assert np.array_equal(x[a.integer], np.round(x[a.integer]))
        # PuLP variables made after the solve carry its values
        assert pulp.value(m.problem.objective) == pytest.approx(m.objective_value())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("at", ["now", "renewal"])
def test_scenario_matrix_and_optimum(path, at):
    inputs = read_org(path)
    _same_matrix(_model(inputs, at))
    _check_solve(inputs, at)


@SETTINGS
@given(orgs, st.sampled_from(["now", "renewal"]))
def test_generated_matrix_and_optimum(org, at):
    users, personas, holdings, seed = org
    inputs = synthetic_org(max(users, personas), personas, holdings, seed)
    _same_matrix(_model(inputs, at))
    _check_solve(inputs, at)


@pytest.mark.parametrize("at", ["now", "renewal"])
def test_alike_groups_merge_and_spread_back(at):
    """500 personas have far fewer classes; the spread plan fills every group's headcount."""
    inputs = synthetic_org(25_000, 500, 20, 1)
    m = _model(inputs, at)
    reduction = alike_groups(m)
    assert reduction.merges and len(reduction.members) < len(inputs.groups) / 2
    assert sorted(gi for idx in reduction.members for gi in idx) == list(range(len(inputs.groups)))
    assert [g.group.users for g in reduction.options.groups] == [
        sum(inputs.groups[gi].users for gi in idx) for idx in reduction.members]
    assert solve_model(m, "highs").status == "optimal"
    for gi, go in enumerate(m.options.groups):
        cols = [m.col_users[gi, bi] for bi in range(len(go.bundles))] + [m.col_unlicensed[gi]]
        assert m.solution[cols].sum() == go.group.users


def test_groups_with_their_own_holdings_are_never_merged():
    inputs = synthetic_org(25_000, 500, 20, 1)
    m = _model(inputs, "now")
    own = {h.group for h in inputs.holdings if h.group}
    assert own
    for idx in alike_groups(m).members:
        if any(inputs.groups[gi].name in own for gi in idx):
            assert len(idx) == 1


def test_an_edited_pulp_problem_is_what_solve_model_solves():
    """Once the PuLP objects exist they are the model: a bound set on them holds."""
    inputs = read_org(SCENARIOS[0])
    m = _model(inputs, "now")
    free = _model(inputs, "now")
    solve_model(free, "highs")
    (gi, bi), value = next((k, v) for k, v in free.col_users.items() if free.solution[v] > 0)
    m.users[gi, bi].upBound = 0
    assert solve_model(m, "highs").status == "optimal"
    assert m.users[gi, bi].value() == 0
    assert pulp.value(m.problem.objective) >= free.objective_value() - 1e-6
