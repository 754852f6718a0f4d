"""Running a solver: the only module that imports solver back-ends.

CBC (bundled with PuLP) is the default, being the faster in the benchmarks, and HiGHS
(through highspy) the other. When no solver is named and the default one is missing or
fails, the other is tried and one warning gives the reason; a solver named explicitly
is the only one tried. The solver outcome is normalised once into :class:`SolveOutcome`.

Every run of a back-end is guarded (:mod:`planner.model.children`): CBC's files live in
a private folder removed afterwards, its process never outlives the planner, and
nothing a back-end prints reaches stdout. The time limit is a :class:`Deadline` shared
by every solve of a run (a plain number of seconds is one for this solve alone).
"""
from __future__ import annotations

import time
import warnings
from contextlib import ExitStack
from dataclasses import dataclass, field

import pulp
from pulp.apis import coin_api

from planner.errors import SolverError
from planner.model.children import guarded_children, private_tmpdir, stdout_to_stderr
from planner.model.deadline import Deadline, DeadlineReached

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


def _run(problem: pulp.LpProblem, name: str, time_limit: float | None,
         relaxed: bool = False) -> float:
    """Solve ``problem`` once with back-end ``name``, guarded; the seconds it took."""
    with ExitStack() as stack:
        stack.enter_context(stdout_to_stderr())
        backend = _make(name, time_limit)
        if relaxed:
            backend.mip = False
        if hasattr(backend, "tmpDir"):  # a command-line solver: files and a child process
            backend.tmpDir = stack.enter_context(private_tmpdir())
            stack.enter_context(guarded_children(coin_api))
        start = time.perf_counter()
        problem.solve(backend)
        return time.perf_counter() - start


def _lp_bound(problem: pulp.LpProblem, name: str, deadline: Deadline | None = None) -> float | None:
    """Lower bound from the LP relaxation; the incumbent's values are restored after."""
    values = {v.name: v.varValue for v in problem.variables()}
    objective = pulp.value(problem.objective)
    try:
        _run(problem, name, Deadline.of(deadline).limit_for_solve("the LP relaxation"),
             relaxed=True)
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


def _gap(problem: pulp.LpProblem, name: str, deadline: Deadline | None = None) -> float | None:
    """Relative gap of a plan found before the time limit (HiGHS's own, else vs the LP)."""
    if name == "highs":
        try:
            gap = float(problem.solverModel.getInfo().mip_gap)
            if gap < 1e30:
                return gap
        except Exception:  # older highspy or no MIP info
            pass
    return _lp_bound(problem, name, deadline)


def solve(problem: pulp.LpProblem, solver: str | None = None,
          time_limit: Deadline | float | None = None) -> SolveOutcome:
    """Solve ``problem`` with ``solver`` (``None``: the default, with a fallback).

    ``time_limit`` is a :class:`~planner.model.deadline.Deadline` shared by the run, or
    seconds for this solve alone.

    Raises
    ------
    DeadlineReached
        When the time limit ran out before a plan was found.
    SolverError
        When no solver could run (an explicitly named one is the only one tried).
    """
    deadline = Deadline.of(time_limit)
    order = [solver] if solver else [DEFAULT_SOLVER] + [s for s in SOLVERS if s != DEFAULT_SOLVER]
    failures: list[str] = []
    for name in order:
        limit = deadline.limit_for_solve()
        try:
            seconds = _run(problem, name, limit)
        except DeadlineReached:
            raise
        except SolverError as exc:
            failures.append(str(exc))
            continue
        except Exception as exc:  # a crashing back-end must not lose the run
            failures.append(f"solver '{name}' failed ({type(exc).__name__}: {exc})")
            continue
        used = [f"{failures[-1]}; solved with '{name}' instead"] if failures else []
        if problem.sol_status == pulp.LpSolutionOptimal:
            return SolveOutcome("optimal", 0.0, name, seconds, used)
        if problem.sol_status == pulp.LpSolutionIntegerFeasible:
            return SolveOutcome("feasible", _gap(problem, name, deadline), name, seconds, used)
        if problem.status == pulp.LpStatusInfeasible:
            return SolveOutcome("infeasible", None, name, seconds, used)
        if limit is not None and (seconds >= 0.9 * limit or deadline.expired()):
            raise DeadlineReached(f"no plan found within the time limit of {deadline.seconds:g} s")
        failures.append(f"solver '{name}' ended without a plan "
                        f"({pulp.LpStatus.get(problem.status, problem.status)})")
    if solver:
        raise SolverError(f"{'; '.join(failures)} (no other solver is tried when one is "
                          "chosen with --solver)")
    raise SolverError("no solver could solve the model: " + "; ".join(failures))
