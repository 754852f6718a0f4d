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

import highspy
import numpy as np
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


# Solver options, in one place. HiGHS runs without presolve: on these models it costs more
# than it saves (LP at 2,000 personas 0.10 vs 0.19 CPU s; a MIP at 20,000 users /
# 100 personas, renewal, 0.48 vs 3.4 CPU s; docs/benchmarks.md).
CBC_OPTIONS: dict = dict(msg=False, gapRel=MIP_REL_GAP)
HIGHS_OPTIONS: dict = dict(msg=False, gapRel=MIP_REL_GAP)
HIGHS_RUN_OPTIONS: dict = {"presolve": "off"}
INTEGRALITY_TOLERANCE = 1e-9
FEASIBILITY_TOLERANCE = 1e-7


def _make(name: str, time_limit: float | None):
    if name == "highs":
        solver = WarmHiGHS(timeLimit=time_limit, **HIGHS_OPTIONS)
    elif name == "cbc":
        with warnings.catch_warnings():
            # The bundled CBC is deprecated for PuLP 4; the project pins pulp<4 and the
            # benchmark re-checks the solver choice (docs/benchmarks.md, Solvers).
            warnings.filterwarnings("ignore", message="PULP_CBC_CMD is deprecated")
            solver = pulp.PULP_CBC_CMD(timeLimit=time_limit, **CBC_OPTIONS)
    else:
        raise SolverError(f"unknown solver '{name}'; choose one of {', '.join(SOLVERS)}")
    if not solver.available():
        raise SolverError(f"solver '{name}' is not installed")
    return solver


class WarmHiGHS(pulp.HiGHS):
    """HiGHS through highspy: the model passed as arrays, the LP relaxation solved first.

    An integral LP optimum is the integer optimum (its objective is the bound); it is
    taken once every row holds at the rounded values. Otherwise the MIP starts from the
    LP rounded on each partition row (an equality with unit coefficients, an integer
    right-hand side and integer columns, like ``headcount[g]``: largest remainders keep
    the row's total), the other columns re-optimised by the LP with those fixed; if that
    point is integral at the LP bound it is the optimum, else it starts HiGHS's MIP. Without
    a start, HiGHS's central-rounding heuristic took 39 s on the 2,000-persona benchmark where CBC took 0.7 s.
    """

    def buildSolverModel(self, lp):
        """Hand HiGHS the model as arrays (PuLP's hook)."""
        inf = highspy.kHighsInf
        variables = lp.variables()
        for i, var in enumerate(variables):
            var.index = i
        n = len(variables)
        sign = -1 if lp.sense == pulp.LpMaximize else 1
        objective = lp.objective
        h = lp.solverModel
        h.addVars(n, np.array([-inf if v.lowBound is None else v.lowBound for v in variables], dtype=float),
                  np.array([inf if v.upBound is None else v.upBound for v in variables], dtype=float))
        cols = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, cols, np.array([sign * objective.get(v, 0.0) for v in variables], dtype=float))
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        lower: list[float] = []
        upper: list[float] = []
        for i, row in enumerate(lp._constraints.values()):
            row.index = i
            starts.append(len(index))
            for var, coef in row.items():
                if coef != 0:
                    index.append(var.index)
                    value.append(coef)
            lb, ub = row.getLb(), row.getUb()
            lower.append(-inf if lb is None else lb)
            upper.append(inf if ub is None else ub)
        self._rows = (np.array(starts + [len(index)], dtype=np.int64), np.array(index, dtype=np.int32),
                      np.array(value, dtype=float), np.array(lower), np.array(upper))
        if lower:
            h.addRows(len(lower), self._rows[3], self._rows[4], len(index),
                      self._rows[0][:-1].astype(np.int32), self._rows[1], self._rows[2])
        self._integer = np.array([v.index for v in variables if v.cat == pulp.LpInteger], dtype=np.int32)
        self._integral = None
        self._no_plan = False

    def callSolver(self, lp):
        """Solve the LP, try its rounded point, else run the MIP from it (PuLP's hook)."""
        h = lp.solverModel
        for key, value in HIGHS_RUN_OPTIONS.items():
            h.setOptionValue(key, value)
        if not (self.mip and len(self._integer)):
            h.run()
            return
        start = time.perf_counter()
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
            self._no_plan = True  # the limit ran out in the LP: no integer point to report
            return
        begin = None
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            bound = h.getInfo().objective_function_value
            x = np.asarray(h.getSolution().col_value)
            if self._take_if_integral(x, bound, bound):
                return
            begin = self._partition_start(x)
            if begin:
                done = self._completed(h, begin)
                if done is not None and self._take_if_integral(done[0], done[1], bound):
                    return
        h.changeColsIntegrality(len(self._integer), self._integer,
                                np.full(len(self._integer), highspy.HighsVarType.kInteger))
        if begin:
            h.setSolution(len(begin[0]), np.array(begin[0], dtype=np.int32), np.array(begin[1]))
        if self.timeLimit is not None:
            left = float(self.timeLimit) - (time.perf_counter() - start)
            if left <= 0:
                self._no_plan = True
                return
            h.setOptionValue("time_limit", left)
        h.run()

    def _take_if_integral(self, x, objective: float, bound: float) -> bool:
        """Keep ``x`` as the proven optimum if it is integral, holds every row and its
        objective is within the relative gap of the LP bound."""
        rounded = x.copy()
        rounded[self._integer] = np.round(x[self._integer])
        if (np.abs(rounded - x).max(initial=0.0) <= INTEGRALITY_TOLERANCE and self._rows_hold(rounded)
                and objective - bound <= MIP_REL_GAP * max(1.0, abs(objective))):
            self._integral = rounded
            return True
        return False

    def _completed(self, h, begin):
        """The LP optimum and its objective with the partition columns fixed at their rounded
        values (None if that LP has none); the column bounds are restored after."""
        cols = np.array(begin[0], dtype=np.int32)
        lp = h.getLp()
        lower, upper = np.asarray(lp.col_lower_)[cols], np.asarray(lp.col_upper_)[cols]
        values = np.array(begin[1], dtype=float)
        h.changeColsBounds(len(cols), cols, values, values)
        h.run()
        done = None
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            done = np.asarray(h.getSolution().col_value), h.getInfo().objective_function_value
        h.changeColsBounds(len(cols), cols, lower, upper)
        return done

    def _rows_hold(self, x) -> bool:
        """True when every row holds at ``x`` (within the feasibility tolerance)."""
        starts, index, value, lower, upper = self._rows
        if not len(lower):
            return True
        products = value * x[index]
        activity = np.add.reduceat(products, starts[:-1]) if len(products) else np.zeros(len(lower))
        activity[starts[:-1] == starts[1:]] = 0.0  # reduceat repeats the next entry for empty rows
        slack = FEASIBILITY_TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(lower), lower, upper)))
        return bool(np.all(activity >= lower - slack) and np.all(activity <= upper + slack))

    def _partition_start(self, x) -> tuple[list[int], list[float]] | None:
        """The LP rounded on each partition row (see the class docstring), as a partial start."""
        starts, index, value, lower, upper = self._rows
        integer = np.zeros(len(x), dtype=bool)
        integer[self._integer] = True
        cols: list[int] = []
        vals: list[float] = []
        for r in range(len(lower)):
            a, b = starts[r], starts[r + 1]
            total = lower[r]
            members = index[a:b]
            if (a == b or total != upper[r] or total != round(total) or not np.all(value[a:b] == 1)
                    or not integer[members].any()):
                continue
            share = np.maximum(x[members], 0.0)
            floor = np.floor(share + INTEGRALITY_TOLERANCE)
            extra = int(round(total - floor.sum()))
            if extra < 0:
                continue
            floor[np.argsort(floor - share, kind="stable")[:extra]] += 1
            cols += members.tolist()
            vals += floor.tolist()
        return (cols, vals) if cols else None

    def findSolutionValues(self, lp):
        """Status and values of the solve, or no plan (PuLP's hook)."""
        if self._no_plan:
            return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound
        if self._integral is None:
            return super().findSolutionValues(lp)
        for var in lp.variables():
            var.varValue = float(self._integral[var.index])
            var.dj = None
        return pulp.LpStatusOptimal, pulp.LpSolutionOptimal


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
