"""Running a solver: the only module that imports solver back-ends.

CBC (bundled with PuLP) is the default, being the faster in the benchmarks, and HiGHS
(through highspy) the other; if the chosen one is missing or fails, the other is tried
and the switch is reported. The solver outcome is
normalised once into :class:`SolveOutcome`.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import pulp

from planner.errors import SolverError

SOLVERS = ("highs", "cbc")
DEFAULT_SOLVER = "cbc"  # faster on every size measured (docs/benchmarks.md, Solvers)
MIP_REL_GAP = 1e-9


@dataclass
class SolveOutcome:
    """What came back from the solver.

    ``status`` is ``optimal`` (proven), ``feasible`` (stopped at the time limit with a
    plan) or ``infeasible`` (no plan at all); ``gap`` is the relative optimality gap
    when known.
    """

    status: str
    gap: float | None
    solver: str
    seconds: float
    messages: list[str] = field(default_factory=list)


def _make(name: str, time_limit: float | None):
    if name == "highs":
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=MIP_REL_GAP)
    elif name == "cbc":
        with warnings.catch_warnings():
            # The bundled CBC is deprecated for PuLP 4; the project pins pulp<4 and the
            # benchmark re-checks the solver choice (docs/benchmarks.md, Solvers).
            warnings.filterwarnings("ignore", message="PULP_CBC_CMD is deprecated")
            solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=MIP_REL_GAP)
    else:
        raise SolverError(f"unknown solver '{name}'; choose one of {', '.join(SOLVERS)}")
    if not solver.available():
        raise SolverError(f"solver '{name}' is not installed")
    return solver


def _lp_bound(problem: pulp.LpProblem, name: str) -> float | None:
    """Lower bound from the LP relaxation; the incumbent's values are restored after."""
    values = {v.name: v.varValue for v in problem.variables()}
    objective = pulp.value(problem.objective)
    try:
        relaxed = _make(name, None)
        relaxed.mip = False
        problem.solve(relaxed)
        bound = pulp.value(problem.objective) if problem.status == pulp.LpStatusOptimal else None
    except Exception:  # the bound is a courtesy; the plan stands without it
        bound = None
    for v in problem.variables():
        v.varValue = values[v.name]
    problem.sol_status = pulp.LpSolutionIntegerFeasible
    problem.status = pulp.LpStatusOptimal
    if bound is None or not objective:
        return None
    return max(0.0, (objective - bound) / abs(objective))


def _gap(problem: pulp.LpProblem, name: str) -> float | None:
    """Relative gap of a plan found before the time limit (HiGHS's own, else vs the LP)."""
    if name == "highs":
        try:
            gap = float(problem.solverModel.getInfo().mip_gap)
            if gap < 1e30:
                return gap
        except Exception:  # older highspy or no MIP info
            pass
    return _lp_bound(problem, name)


def solve(problem: pulp.LpProblem, solver: str = DEFAULT_SOLVER, time_limit: float | None = None) -> SolveOutcome:
    """Solve ``problem`` with ``solver``, falling back to the other one on failure.

    Raises
    ------
    SolverError
        When no solver could run.
    """
    order = [solver] + [s for s in SOLVERS if s != solver]
    messages: list[str] = []
    for name in order:
        try:
            backend = _make(name, time_limit)
            start = time.perf_counter()
            problem.solve(backend)
            seconds = time.perf_counter() - start
        except SolverError as exc:
            messages.append(f"{exc}; trying the next solver")
            continue
        except Exception as exc:  # a crashing back-end must not lose the run
            messages.append(f"solver '{name}' failed ({type(exc).__name__}: {exc}); "
                            "trying the next solver")
            continue
        used = messages + ([f"solved with '{name}' instead of '{solver}'"] if name != solver else [])
        if problem.sol_status == pulp.LpSolutionOptimal:
            return SolveOutcome("optimal", 0.0, name, seconds, used)
        if problem.sol_status == pulp.LpSolutionIntegerFeasible:
            return SolveOutcome("feasible", _gap(problem, name), name, seconds, used)
        if problem.status == pulp.LpStatusInfeasible:
            return SolveOutcome("infeasible", None, name, seconds, used)
        messages.append(f"solver '{name}' ended without a plan "
                        f"({pulp.LpStatus.get(problem.status, problem.status)})")
    raise SolverError("no solver could solve the model: " + "; ".join(messages))
