"""Running a solver: the only module that imports solver back-ends.

HiGHS (through highspy) is the default and CBC the fallback; if the chosen one is
missing or fails, the other is tried and the switch is reported. The solver outcome is
normalised once into :class:`SolveOutcome`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pulp

from .errors import SolverError

SOLVERS = ("highs", "cbc")
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
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=MIP_REL_GAP)
    else:
        raise SolverError(f"unknown solver '{name}'; choose one of {', '.join(SOLVERS)}")
    if not solver.available():
        raise SolverError(f"solver '{name}' is not installed")
    return solver


def _gap(problem: pulp.LpProblem, name: str) -> float | None:
    if name != "highs":
        return None
    model = getattr(problem, "solverModel", None)
    try:
        gap = float(model.getInfo().mip_gap)
    except Exception:  # older highspy or no MIP info
        return None
    return gap if gap < 1e30 else None


def solve(problem: pulp.LpProblem, solver: str = "highs", time_limit: float | None = None) -> SolveOutcome:
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
