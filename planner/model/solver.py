"""Running a solver: the only module that imports solver back-ends.

HiGHS (through highspy, in process) and CBC (bundled with PuLP, a child process). The
plan's main solve, its baseline and robustness ends run on the model's arrays
(:func:`solve_model`, :func:`solve_edited`) and go to HiGHS first
(:data:`DEFAULT_SOLVER`); the timeline and the admin-role plans solve PuLP problems
(:func:`solve`) and go to CBC first (:data:`PULP_DEFAULT_SOLVER`), as do the
alternatives' re-solves that HiGHS's linear programs do not settle. When no solver is
named and the first one is missing or fails, the other is tried and one warning gives the
reason; a solver named explicitly is the only one tried. The solver outcome is normalised
once into :class:`SolveOutcome`.

Every run of a back-end is guarded (:mod:`planner.model.children`): CBC's files live in
a private folder removed afterwards, its process never outlives the planner, and
nothing a back-end prints reaches stdout. The time limit is a :class:`Deadline` shared
by every solve of a run (a plain number of seconds is one for this solve alone).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import types
import warnings
from contextlib import ExitStack
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
import pulp
from pulp.apis import coin_api

from planner.errors import SolverError
from planner.model.children import _LIBC, guarded_children, private_tmpdir, stdout_to_stderr
from planner.model.deadline import Deadline, DeadlineReached
from planner.model.matrix import Arrays, Matrix
from planner.vocabulary import SOLVERS

DEFAULT_SOLVER = "highs"
"""Tried first on a model solved from its arrays (a plan's main solve, its status quo and
robustness ends, price sweeps): in process, and the faster on 9 of 10 benchmarked sizes."""
PULP_DEFAULT_SOLVER = "cbc"
"""Tried first on a PuLP problem (the timeline, the admin-role plans) and on the re-solves of
alternatives that HiGHS's linear programs do not settle: CBC is the faster there."""
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
HIGHS_RUN_OPTIONS: dict = {"presolve": "off", "mip_rel_gap": MIP_REL_GAP}
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


MAX_ENUMERATED_BINARIES = 4  # 2**4 LPs at most; the platform `active` binaries number 1-3


@dataclass
class HighsResult:
    """What the LP-first HiGHS run found: ``status`` as in :class:`SolveOutcome` or ``none``
    (no plan: the time limit ran out first); ``x`` the values by column."""

    status: str
    x: np.ndarray | None = None
    gap: float | None = None


def quiet_highs() -> highspy.Highs:
    """A new HiGHS instance with its output off; the banner highspy prints when a process
    makes its first one goes to the null device, not to the user's terminal or log.

    Call it where no other thread writes to file descriptor 1 (it is pointed away briefly).
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):  # no real fd 1: nothing to keep clean
        saved = -1
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        if saved >= 0:
            os.dup2(null, 1)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        if _LIBC is not None:
            _LIBC.fflush(None)  # the banner leaves the C buffers while fd 1 is still the null device
    finally:
        if saved >= 0:
            os.dup2(saved, 1)
            os.close(saved)
        os.close(null)
    return h


def highs_model(arrays: Arrays, h: highspy.Highs | None = None) -> highspy.Highs:
    """``h`` (a new, quiet HiGHS instance if None) holding ``arrays`` as its LP in one
    ``passModel`` call (integrality is set by :class:`LpFirst`)."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = arrays.num_cols, arrays.num_rows
    inf = highspy.kHighsInf
    lp.col_cost_ = arrays.cost
    lp.col_lower_ = np.where(np.isinf(arrays.col_lower), -inf, arrays.col_lower)
    lp.col_upper_ = np.where(np.isinf(arrays.col_upper), inf, arrays.col_upper)
    lp.row_lower_ = np.where(np.isinf(arrays.row_lower), -inf, arrays.row_lower)
    lp.row_upper_ = np.where(np.isinf(arrays.row_upper), inf, arrays.row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = arrays.num_cols, arrays.num_rows
    lp.a_matrix_.start_ = arrays.starts.astype(np.int32)
    lp.a_matrix_.index_ = arrays.index.astype(np.int32)
    lp.a_matrix_.value_ = arrays.value
    if h is None:
        h = quiet_highs()
    h.passModel(lp)
    return h


def run_interruptibly(h: highspy.Highs, poll: float = 0.05) -> None:
    """``h.run()`` that a signal stops: HiGHS is asked to stop, and the signal's exception raised.

    Python runs signal handlers only between bytecodes, so during a plain ``h.run()`` a
    Ctrl-C or SIGTERM would wait until HiGHS finished. Here HiGHS runs in highspy's worker
    thread while this thread waits in short slices; on an exception (``KeyboardInterrupt``,
    :class:`planner.cli.signals.Interrupted`) HiGHS's interrupt callback stops the run at its
    next check, this waits for the thread to end, and the exception propagates.
    """
    h.HandleUserInterrupt = True
    h.startSolve()
    try:
        while not h.wait(poll)[0]:
            pass
    except BaseException:
        h.cancelSolve()
        h.wait()
        raise


class _Unproven(Exception):
    """The LPs proved no optimum and HiGHS's MIP is not to run."""


class LpFirst:
    """HiGHS on a model as arrays: the LP relaxation first, the MIP only when it must.

    1. An integral LP optimum that holds every row is the integer optimum (its objective is
       the bound).
    2. With at most :data:`MAX_ENUMERATED_BINARIES` binary columns (the platform families'
       ``active[F]``), every 0/1 combination is fixed in turn and its LP solved: the integer
       optimum is the best over the combinations, and each combination's LP bounds it. Each
       LP is rounded on its partition rows (equalities with unit coefficients, an integer
       right-hand side and integer columns, like ``headcount[g]``: largest remainders keep the
       total) and the other columns re-optimised with those fixed; an integral result is a
       plan. The best plan is proven optimal when no combination's bound is below it (within
       the relative gap); only the combinations that could still beat it run HiGHS's MIP,
       binaries fixed, started from their rounded point, cut off at the best plan.
    3. With more binaries, the MIP runs once from the rounded LP point.

    With ``mip=False`` (the alternatives' re-solves) the MIP never runs: where it would, or
    where an LP ends neither optimal nor infeasible, :meth:`solve` returns ``unproven`` and
    the caller solves otherwise; the LPs then run in the calling thread.

    Without a start, HiGHS's central-rounding heuristic took 39 s on the 2,000-persona
    benchmark where CBC took 0.7 s; with the binaries free, its MIP at renewal took 5-26x
    CBC's time (docs/benchmarks.md).
    """

    def __init__(self, h: highspy.Highs, arrays: Arrays, time_limit: float | None = None,
                 gap: float = MIP_REL_GAP, mip: bool = True, incumbent: np.ndarray | None = None):
        self.h, self.a = h, arrays
        self.limit = time_limit
        self.gap = gap
        self.mip = mip  # False: where HiGHS's MIP would run, return status ``unproven`` instead
        self.incumbent = incumbent  # a plan of the same rows and bounds (another cost): a start
        self.integer = np.flatnonzero(arrays.integer).astype(np.int32)
        binary = arrays.integer & (arrays.col_lower == 0) & (arrays.col_upper == 1)
        self.binaries = np.flatnonzero(binary).astype(np.int32)
        for key, value in HIGHS_RUN_OPTIONS.items():
            h.setOptionValue(key, value)
        h.setOptionValue("mip_rel_gap", gap)
        self._start = time.perf_counter()
        self._set_integrality(False)

    def _known(self) -> tuple[np.ndarray, float] | None:
        """The incumbent and its cost, if it is a plan of this model."""
        if self.incumbent is None or len(self.incumbent) != self.a.num_cols:
            return None
        x = self._rounded(self.incumbent)
        slack = FEASIBILITY_TOLERANCE
        if not (np.all(x >= self.a.col_lower - slack) and np.all(x <= self.a.col_upper + slack)
                and self._rows_hold(x)):
            return None
        return x, float(self.a.cost @ x)

    def _left(self) -> float | None:
        if self.limit is None:
            return None
        return float(self.limit) - (time.perf_counter() - self._start)

    def _set_integrality(self, integer: bool) -> None:
        if len(self.integer):
            kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
            self.h.changeColsIntegrality(len(self.integer), self.integer, np.full(len(self.integer), kind))

    def _run(self) -> str:
        """Run HiGHS within the time left: ``optimal``, ``infeasible``, ``limit`` or ``other``."""
        left = self._left()
        if left is not None:
            if left <= 0:
                return "limit"
            self.h.setOptionValue("time_limit", left)
        if self.mip:
            run_interruptibly(self.h)
        else:  # LPs only, of milliseconds each: a signal waits for one at most; a thread would cost more
            self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal"
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible"
        if status == highspy.HighsModelStatus.kTimeLimit:
            return "limit"
        if status == highspy.HighsModelStatus.kObjectiveBound:
            return "cutoff"
        return "other"

    def _x(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value)

    def _objective(self) -> float:
        return float(self.h.getInfo().objective_function_value)

    def relaxation(self) -> HighsResult:
        """The LP relaxation alone."""
        status = self._run()
        if status == "optimal":
            return HighsResult("optimal", self._x(), 0.0)
        return HighsResult("infeasible" if status == "infeasible" else "none")

    def solve(self) -> HighsResult:
        """The integer optimum (or the best plan within the time limit); status ``unproven``
        when the LPs did not prove one and HiGHS's MIP is not to run (``mip=False``)."""
        try:
            return self._solve()
        except _Unproven:
            return HighsResult("unproven")

    def _solve(self) -> HighsResult:
        if not len(self.integer):
            return self.relaxation()
        if 0 < len(self.binaries) <= MAX_ENUMERATED_BINARIES:
            return self._by_binaries()
        status = self._run()
        if status != "optimal":
            return HighsResult("infeasible" if status == "infeasible" else "none")
        bound, x = self._objective(), self._x()
        if self._integral(x, bound, bound):
            return HighsResult("optimal", self._rounded(x), 0.0)
        start = self._partition_start(x)
        plan = self._completed(start) if start else None
        if plan is not None and self._integral(plan[0], plan[1], bound):
            return HighsResult("optimal", self._rounded(plan[0]), 0.0)
        known = self._known()
        return self._mip(known[0] if known is not None else None, start)

    def _by_binaries(self) -> HighsResult:
        lp = self.h.getLp()
        lower, upper = np.asarray(lp.col_lower_)[self.binaries], np.asarray(lp.col_upper_)[self.binaries]
        n = len(self.binaries)
        cases = []  # per combination with a plan or an LP optimum: (bound, fixed, plan, start)
        stopped = False
        try:
            for combo in range(2 ** n):
                fixed = np.array([combo >> i & 1 for i in range(n)], dtype=float)
                self.h.changeColsBounds(n, self.binaries, fixed, fixed)
                status = self._run()
                if status == "limit":
                    stopped = True
                    break
                if status != "optimal":
                    if status != "infeasible" and not self.mip:
                        raise _Unproven  # an LP that ended otherwise proves nothing about its combination
                    continue  # this combination has no plan at all
                bound, x = self._objective(), self._x()
                plan, start = None, None
                if self._integral(x, bound, bound):
                    plan = (self._rounded(x), bound)
                else:
                    start = self._partition_start(x)
                    done = self._completed(start) if start else None
                    if done is not None and self._integral(done[0], done[1], done[1]):
                        plan = (self._rounded(done[0]), done[1])
                cases.append((bound, fixed, plan, start))
            known = self._known()
            plans = [c[2] for c in cases if c[2] is not None] + ([known] if known is not None else [])
            best = min(plans, key=lambda p: p[1]) if plans else None
            unresolved = sorted((c for c in cases if best is None or not self._within(best[1], c[0])),
                                key=lambda c: c[0])
            left = []  # bounds of the combinations the time limit left open
            if unresolved and not stopped:
                self._set_integrality(True)
            for k, (bound, fixed, plan, start) in enumerate(unresolved):
                if stopped:
                    left += [c[0] for c in unresolved[k:]]
                    break
                if best is not None and self._within(best[1], bound):
                    continue
                self.h.changeColsBounds(n, self.binaries, fixed, fixed)
                if best is not None:
                    self.h.setOptionValue("objective_bound", best[1])
                if plan is None and known is not None and np.array_equal(known[0][self.binaries], fixed):
                    plan = known
                result = self._mip(plan[0] if plan is not None else None, start)
                if result.x is not None:
                    value = float(self.a.cost @ result.x)
                    if best is None or value < best[1]:
                        best = (result.x, value)
                if result.status not in ("optimal", "infeasible", "cutoff"):
                    stopped = True
                    left.append(bound)
        finally:
            self.h.setOptionValue("objective_bound", highspy.kHighsInf)
            self.h.changeColsBounds(n, self.binaries, lower, upper)
        if best is None:
            return HighsResult("none" if stopped else "infeasible")
        if not stopped:
            return HighsResult("optimal", best[0], 0.0)
        if len(cases) < 2 ** n and not left:
            return HighsResult("feasible", best[0], None)
        low = min(left + [best[1]])
        return HighsResult("feasible", best[0], (best[1] - low) / max(1.0, abs(best[1])))

    def _mip(self, plan: np.ndarray | None, start) -> HighsResult:
        """HiGHS's MIP, integrality on, from a whole ``plan`` or a partial ``start``
        (columns, values); ``cutoff`` when nothing beats the objective bound set."""
        if not self.mip:
            raise _Unproven
        self._set_integrality(True)
        if plan is not None:
            self.h.setSolution(len(plan), np.arange(len(plan), dtype=np.int32), np.asarray(plan, dtype=float))
        elif start:
            self.h.setSolution(len(start[0]), np.array(start[0], dtype=np.int32), np.array(start[1], dtype=float))
        status = self._run()
        info = self.h.getInfo()
        has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == "optimal":
            return HighsResult("optimal", self._rounded(self._x()), 0.0)
        if status in ("infeasible", "cutoff"):
            return HighsResult(status, self._rounded(self._x()) if has_plan else None)
        if has_plan:
            gap = float(info.mip_gap)
            return HighsResult("feasible", self._rounded(self._x()), gap if gap < 1e30 else None)
        return HighsResult("none")

    def _within(self, objective: float, bound: float) -> bool:
        return objective - bound <= self.gap * max(1.0, abs(objective))

    def _rounded(self, x: np.ndarray) -> np.ndarray:
        out = np.array(x, dtype=float)
        out[self.integer] = np.round(out[self.integer])
        return out

    def _integral(self, x, objective: float, bound: float) -> bool:
        """True if ``x`` is integral, holds every row and is within the gap of ``bound``."""
        rounded = self._rounded(x)
        return bool(np.abs(rounded - x).max(initial=0.0) <= INTEGRALITY_TOLERANCE and self._rows_hold(rounded)
                    and self._within(objective, bound))

    def _completed(self, begin):
        """The LP optimum and its objective with the partition columns fixed at their rounded
        values (None if that LP has none); the column bounds are restored after."""
        cols = np.array(begin[0], dtype=np.int32)
        lp = self.h.getLp()
        lower, upper = np.asarray(lp.col_lower_)[cols], np.asarray(lp.col_upper_)[cols]
        values = np.array(begin[1], dtype=float)
        self.h.changeColsBounds(len(cols), cols, values, values)
        done = None
        if self._run() == "optimal":
            done = self._x(), self._objective()
        self.h.changeColsBounds(len(cols), cols, lower, upper)
        return done

    def _rows_hold(self, x) -> bool:
        """True when every row holds at ``x`` (within the feasibility tolerance)."""
        a = self.a
        if not a.num_rows:
            return True
        activity = a.activity(x)
        slack = FEASIBILITY_TOLERANCE * np.maximum(
            1.0, np.abs(np.where(np.isfinite(a.row_lower), a.row_lower, a.row_upper)))
        return bool(np.all(activity >= a.row_lower - slack) and np.all(activity <= a.row_upper + slack))

    def _partition_start(self, x) -> tuple[list[int], list[float]] | None:
        """The LP rounded on each partition row (see the class docstring), as a partial start."""
        a = self.a
        cols: list[int] = []
        vals: list[float] = []
        for r in range(a.num_rows):
            lo, hi = a.starts[r], a.starts[r + 1]
            total = a.row_lower[r]
            members = a.index[lo:hi]
            if (lo == hi or total != a.row_upper[r] or total != round(total) or not np.all(a.value[lo:hi] == 1)
                    or not a.integer[members].any()):
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


def _pulp_arrays(lp: pulp.LpProblem) -> Arrays:
    """The arrays of a PuLP problem (columns in ``lp.variables()`` order, whose ``index`` is set)."""
    variables = lp.variables()
    for i, var in enumerate(variables):
        var.index = i
    sign = -1 if lp.sense == pulp.LpMaximize else 1
    objective = lp.objective
    starts, index, value, lower, upper = [0], [], [], [], []
    for row in lp._constraints.values():
        for var, coef in row.items():
            if coef != 0:
                index.append(var.index)
                value.append(coef)
        starts.append(len(index))
        lb, ub = row.getLb(), row.getUb()
        lower.append(-np.inf if lb is None else lb)
        upper.append(np.inf if ub is None else ub)
    return Arrays(
        np.array([-np.inf if v.lowBound is None else v.lowBound for v in variables], dtype=float),
        np.array([np.inf if v.upBound is None else v.upBound for v in variables], dtype=float),
        np.array([sign * objective.get(v, 0.0) for v in variables], dtype=float),
        np.array([v.cat == pulp.LpInteger for v in variables], dtype=bool),
        np.array(starts, dtype=np.int64), np.array(index, dtype=np.int32), np.array(value, dtype=float),
        np.array(lower, dtype=float), np.array(upper, dtype=float))


class WarmHiGHS(pulp.HiGHS):
    """HiGHS for a PuLP problem: its arrays passed in one call, solved by :class:`LpFirst`."""

    def buildSolverModel(self, lp):
        """Hand HiGHS the model as arrays (PuLP's hook)."""
        self._arrays = _pulp_arrays(lp)
        highs_model(self._arrays, lp.solverModel)
        self.result = HighsResult("none")

    def callSolver(self, lp):
        """Solve the LP-first way (PuLP's hook)."""
        run = LpFirst(lp.solverModel, self._arrays, self.timeLimit)
        self.result = run.solve() if self.mip else run.relaxation()

    def findSolutionValues(self, lp):
        """Status and values of the solve, or no plan (PuLP's hook)."""
        result = self.result
        if result.x is not None:
            for var in lp.variables():
                var.varValue = float(result.x[var.index])
                var.dj = None
        return {"optimal": (pulp.LpStatusOptimal, pulp.LpSolutionOptimal),
                "feasible": (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible),
                "infeasible": (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible),
                }.get(result.status, (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound))


def _run(problem: pulp.LpProblem, name: str, time_limit: float | None,
         relaxed: bool = False, warm_start: bool = False) -> tuple[float, object]:
    """Solve ``problem`` once with back-end ``name``, guarded; the seconds it took and the
    back-end. ``warm_start``: CBC starts from the variables' current values."""
    with ExitStack() as stack:
        stack.enter_context(stdout_to_stderr())
        backend = _make(name, time_limit)
        if warm_start and isinstance(backend, pulp.PULP_CBC_CMD):
            backend.optionsDict["warmStart"] = True  # what PULP_CBC_CMD(warmStart=True) sets
        if relaxed:
            backend.mip = False
        if hasattr(backend, "tmpDir"):  # a command-line solver: files and a child process
            backend.tmpDir = stack.enter_context(private_tmpdir())
            stack.enter_context(guarded_children(coin_api))
        start = time.perf_counter()
        problem.solve(backend)
        return time.perf_counter() - start, backend


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


def _gap(problem: pulp.LpProblem, name: str, backend=None, deadline: Deadline | None = None) -> float | None:
    """Relative gap of a plan found before the time limit (HiGHS's own, else vs the LP)."""
    gap = getattr(getattr(backend, "result", None), "gap", None)
    if gap is not None:
        return gap
    return _lp_bound(problem, name, deadline)


@dataclass
class _Attempt:
    """One back-end's try: ``status`` as in :class:`SolveOutcome` or ``none`` (no plan)."""

    status: str
    gap: float | None
    seconds: float
    detail: str = ""


def _pulp_attempt(problem: pulp.LpProblem, name: str, limit: float | None, deadline: Deadline,
                  warm_start: bool = False) -> _Attempt:
    seconds, backend = _run(problem, name, limit, warm_start=warm_start)
    if problem.sol_status == pulp.LpSolutionOptimal:
        return _Attempt("optimal", 0.0, seconds)
    if problem.sol_status == pulp.LpSolutionIntegerFeasible:
        return _Attempt("feasible", _gap(problem, name, backend, deadline), seconds)
    if problem.status == pulp.LpStatusInfeasible:
        return _Attempt("infeasible", None, seconds)
    return _Attempt("none", None, seconds, str(pulp.LpStatus.get(problem.status, problem.status)))


def _solve_loop(attempt, solver: str | None, deadline: Deadline,
                first: str = DEFAULT_SOLVER) -> SolveOutcome:
    """Try ``solver`` (``None``: ``first``, then the other) with ``attempt(name, limit)``."""
    order = [solver] if solver else [first] + [s for s in SOLVERS if s != first]
    failures: list[str] = []
    for name in order:
        limit = deadline.limit_for_solve()
        try:
            result = attempt(name, limit)
        except DeadlineReached:
            raise
        except SolverError as exc:
            failures.append(str(exc))
            continue
        except Exception as exc:  # a crashing back-end must not lose the run
            failures.append(f"solver '{name}' failed ({type(exc).__name__}: {exc})")
            continue
        used = [f"{failures[-1]}; solved with '{name}' instead"] if failures else []
        if result.status != "none":
            return SolveOutcome(result.status, result.gap, name, result.seconds, used)
        if limit is not None and (result.seconds >= 0.9 * limit or deadline.expired()):
            raise DeadlineReached(f"no plan found within the time limit of {deadline.seconds:g} s")
        failures.append(f"solver '{name}' ended without a plan ({result.detail or 'not solved'})")
    if solver:
        raise SolverError(f"{'; '.join(failures)} (no other solver is tried when one is "
                          "chosen with --solver)")
    raise SolverError("no solver could solve the model: " + "; ".join(failures))


def solve(problem: pulp.LpProblem, solver: str | None = None,
          time_limit: Deadline | float | None = None, first: str = PULP_DEFAULT_SOLVER) -> SolveOutcome:
    """Solve ``problem`` with ``solver`` (``None``: ``first``, then the other as the fallback).

    ``time_limit`` is a :class:`~planner.model.deadline.Deadline` shared by the run, or
    seconds for this solve alone. ``first`` is :data:`PULP_DEFAULT_SOLVER` for a PuLP
    problem; a plan's model made PuLP objects (:func:`solve_model`) keeps
    :data:`DEFAULT_SOLVER`.

    Raises
    ------
    DeadlineReached
        When the time limit ran out before a plan was found.
    SolverError
        When no solver could run (an explicitly named one is the only one tried).
    """
    deadline = Deadline.of(time_limit)
    return _solve_loop(lambda name, limit: _pulp_attempt(problem, name, limit, deadline), solver,
                       deadline, first)


def _pulp_columns_attempt(problem: pulp.LpProblem, variables: list[pulp.LpVariable], name: str,
                          limit: float | None, deadline: Deadline, found: dict[str, np.ndarray],
                          warm_start: bool = False) -> _Attempt:
    """:func:`_pulp_attempt` on ``problem``; with a plan, its values by column (``variables``
    in column order) go to ``found["x"]``."""
    out = _pulp_attempt(problem, name, limit, deadline, warm_start=warm_start)
    if out.status in ("optimal", "feasible"):
        found["x"] = np.array([v.varValue or 0.0 for v in variables], dtype=float)
    return out


def _highs_attempt(name: str, limit: float | None, model, found: dict[str, np.ndarray],
                   incumbent: np.ndarray | None = None) -> _Attempt:
    """One :class:`LpFirst` run on ``model()`` (the HiGHS instance holding the arrays, and the
    arrays), from ``incumbent`` if given; the values land in ``found["x"]``."""
    backend = _make(name, limit)  # the same availability check and limit as the PuLP path
    with stdout_to_stderr():
        start = time.perf_counter()
        h, arrays = model()
        result = LpFirst(h, arrays, backend.timeLimit, incumbent=incumbent).solve()
        seconds = time.perf_counter() - start
    if result.x is not None:
        found["x"] = result.x
    return _Attempt(result.status, result.gap, seconds, "not solved")


def _fresh_highs(matrix: Matrix) -> tuple[highspy.Highs, Arrays]:
    """A new HiGHS instance holding ``matrix``, and its arrays."""
    arrays = matrix.arrays()
    return highs_model(arrays), arrays


def solve_model(m, solver: str | None = None, time_limit: Deadline | float | None = None) -> SolveOutcome:
    """Solve the :class:`~planner.model.program.PlanningModel` ``m`` from its arrays.

    Alike groups are solved as one (:mod:`planner.model.aggregate`, exact); HiGHS gets the
    arrays in one call and runs :class:`LpFirst`, CBC gets the (reduced) PuLP problem. The
    values land in ``m.solution`` (PuLP variables made later carry them). Once ``m``'s PuLP
    objects exist they are the model (bounds or objective may have been edited), and this
    is :func:`solve` of ``m.problem``. Same arguments and errors as :func:`solve`.
    """
    if m.materialised:
        return solve(m.problem, solver, time_limit, DEFAULT_SOLVER)
    from planner.model.aggregate import alike_groups, spread
    from planner.model.program import build_model

    deadline = Deadline.of(time_limit)
    reduction = alike_groups(m)
    reduced = build_model(m.inputs, reduction.options, m.pricing, m.catalog) if reduction.merges else m
    found: dict[str, np.ndarray] = {}

    def attempt(name: str, limit: float | None) -> _Attempt:
        if name == "highs":
            return _highs_attempt(name, limit, lambda: _fresh_highs(reduced.matrix), found)
        return _pulp_columns_attempt(reduced.problem, reduced.variables, name, limit, deadline, found)

    outcome = _solve_loop(attempt, solver, deadline)
    if "x" in found and outcome.status in ("optimal", "feasible"):
        x = found["x"]
        m.set_solution(spread(x, reduced, m, reduction) if reduction.merges else x)
    return outcome


def solve_edited(m, solver: str | None, time_limit: Deadline | float | None,
                 upper: dict[int, float], cost: dict[int, float]
                 ) -> tuple[SolveOutcome, np.ndarray | None]:
    """Solve ``m`` with the columns in ``upper`` bounded above and the objective ``cost``.

    ``m`` is left as it was (bounds, objective, ``solution`` and PuLP values); the values
    of this solve come back by column (``None`` without a plan). While ``m`` is arrays only,
    the edited copy is solved as arrays (HiGHS) or as a PuLP problem of its own (CBC); once
    ``m``'s PuLP objects exist, they are edited and restored. Alike groups are not merged
    here. Same arguments and errors as :func:`solve`.
    """
    if m.materialised:
        variables = m.variables
        saved = [(v.upBound, v.varValue) for v in variables]
        objective = m.problem.objective
        try:
            for col, bound in upper.items():
                variables[col].upBound = bound
            m.problem.setObjective(pulp.LpAffineExpression(
                [(variables[col], coef) for col, coef in cost.items() if coef]))
            outcome = solve(m.problem, solver, time_limit, DEFAULT_SOLVER)
            x = np.array([v.varValue or 0.0 for v in variables], dtype=float)
        finally:
            for v, (bound, value) in zip(variables, saved):
                v.upBound, v.varValue = bound, value
            m.problem.setObjective(objective)
        return outcome, x if outcome.status in ("optimal", "feasible") else None

    deadline = Deadline.of(time_limit)
    edited = m.matrix.edited(upper, cost)
    found: dict[str, np.ndarray] = {}

    def attempt(name: str, limit: float | None) -> _Attempt:
        if name == "highs":
            return _highs_attempt(name, limit, lambda: _fresh_highs(edited), found)
        problem, variables, _ = edited.to_pulp()
        return _pulp_columns_attempt(problem, variables, name, limit, deadline, found)

    outcome = _solve_loop(attempt, solver, deadline)
    return outcome, found.get("x") if outcome.status in ("optimal", "feasible") else None


def _num(x: float) -> str:
    return repr(float(x))


class CbcArrays:
    """CBC on a model as arrays, for many solves that differ in column bounds and costs.

    The MPS text of the rows is rendered once; each :meth:`solve` writes it with the
    bounds and costs given (columns ``C<j>``, rows ``R<i>``), runs the CBC binary PuLP
    bundles as a guarded child (:mod:`planner.model.children`) in a private folder, and
    reads its solution file. Several threads may solve at once (CBC runs in its own
    process), one :class:`CbcArrays` each or shared: it holds no state between solves.
    """

    def __init__(self, arrays: Arrays):
        self.a = arrays
        n = arrays.num_cols
        rows = np.repeat(np.arange(arrays.num_rows), np.diff(arrays.starts))
        order = np.argsort(arrays.index, kind="stable")
        cols, rows, values = arrays.index[order], rows[order], arrays.value[order]
        ends = np.searchsorted(cols, np.arange(n + 1))
        self._terms = ["".join(f"    C{j}  R{r}  {_num(v)}\n" for r, v in
                               zip(rows[ends[j]:ends[j + 1]].tolist(), values[ends[j]:ends[j + 1]].tolist()))
                       for j in range(n)]
        kinds = []
        for lo, hi in zip(arrays.row_lower.tolist(), arrays.row_upper.tolist()):
            kinds.append("E" if lo == hi else ("L" if lo == -np.inf else "G"))
        self._head = "NAME MODEL\nROWS\n N  OBJ\n" + "".join(f" {k}  R{i}\n" for i, k in enumerate(kinds))
        # a Matrix row is <=, >= or = (never ranged): its one finite side is the right-hand side
        self._rhs = "".join(f"    RHS  R{i}  {_num(hi if k == 'L' else lo)}\n"
                            for i, (k, lo, hi) in enumerate(zip(kinds, arrays.row_lower.tolist(),
                                                                 arrays.row_upper.tolist())))

    def mps(self, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray) -> str:
        """The MPS text of the model with these column bounds and costs."""
        integer = self.a.integer.tolist()
        out = [self._head, "COLUMNS\n"]
        for j, (terms, c, intg) in enumerate(zip(self._terms, cost.tolist(), integer)):
            if intg:
                out.append("    MARK  'MARKER'  'INTORG'\n")
            out.append(terms)
            if c:
                out.append(f"    C{j}  OBJ  {_num(c)}\n")
            if intg:
                out.append("    MARK  'MARKER'  'INTEND'\n")
        out += ["RHS\n", self._rhs, "BOUNDS\n"]
        for j, (lo, hi) in enumerate(zip(lower.tolist(), upper.tolist())):
            if lo == hi:
                out.append(f" FX BND  C{j}  {_num(lo)}\n")
                continue
            out.append(f" LO BND  C{j}  {_num(lo)}\n" if lo != -np.inf else f" MI BND  C{j}\n")
            if hi != np.inf:
                out.append(f" UP BND  C{j}  {_num(hi)}\n")
        out.append("ENDATA\n")
        return "".join(out)

    def solve(self, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray, time_limit: float | None = None,
              gap_rel: float = MIP_REL_GAP, gap_abs: float | None = None,
              options: tuple[str, ...] = ()) -> HighsResult:
        """Solve with these bounds and costs: status as in :class:`HighsResult`, values by column."""
        path = _make("cbc", None).path
        with ExitStack() as stack:
            folder = stack.enter_context(private_tmpdir())
            runner = types.SimpleNamespace(subprocess=subprocess)
            stack.enter_context(guarded_children(runner))
            model, solution = os.path.join(folder, "m.mps"), os.path.join(folder, "m.sol")
            with open(model, "w") as f:
                f.write(self.mps(lower, upper, cost))
            args = [path, model]
            if time_limit is not None:
                args += ["-sec", _num(time_limit)]
            args += ["-ratio", _num(gap_rel)]
            if gap_abs is not None:
                args += ["-allow", _num(gap_abs)]
            for option in options:
                args += ["-" + option]
            args += ["-solve", "-printingOptions", "all", "-solution", solution]
            sub = runner.subprocess
            proc = sub.Popen(args, stdout=sub.DEVNULL, stderr=sub.DEVNULL, stdin=sub.DEVNULL)
            if proc.wait() != 0 or not os.path.exists(solution):
                raise SolverError("solver 'cbc' failed on a re-solve")
            return self._read(solution)

    def _read(self, solution: str) -> HighsResult:
        x = np.zeros(self.a.num_cols)
        with open(solution) as f:
            words = f.readline().split()
            for line in f:
                parts = line.split()
                if parts and parts[0] == "**":
                    parts = parts[1:]
                if len(parts) >= 3 and parts[1].startswith("C"):
                    x[int(parts[1][1:])] = float(parts[2])
        head = words[0] if words else ""
        if head == "Optimal":
            status = "optimal"
        elif head in ("Infeasible", "Integer"):
            return HighsResult("infeasible")
        elif head == "Stopped" and len(words) >= 5 and words[4] == "objective":
            status = "feasible"
        else:
            return HighsResult("none")
        out = x.copy()
        out[self.a.integer] = np.round(out[self.a.integer])
        return HighsResult(status, out, 0.0 if status == "optimal" else None)


class Resolver:
    """One integer program solved again and again with new costs (a price sweep).

    Its back-end model is made once: HiGHS keeps the arrays, and a cost change keeps its
    basis, so each LP of :class:`LpFirst` starts from the last one's; CBC gets one PuLP
    problem whose variables keep the last solution, handed to CBC as its start
    (``warmStart``). ``upper`` overrides some column upper bounds (a restricted model).

    No solve is needed when the last optimum stays one: every column is non-negative, no
    cost went down and none changed where the last solution is non-zero. Then no plan got
    cheaper and the last one costs the same, so it is still optimal (within the same gap).
    """

    def __init__(self, matrix: Matrix, upper: dict[int, float] | None = None):
        self.matrix = matrix
        self.arrays = matrix.arrays()
        for col, bound in (upper or {}).items():
            self.arrays.col_upper[col] = bound
        self._highs: highspy.Highs | None = None
        self._pulp: tuple[pulp.LpProblem, list[pulp.LpVariable]] | None = None
        self._last: tuple[np.ndarray, SolveOutcome, np.ndarray, str | None] | None = None
        self._x: np.ndarray | None = None  # the last plan: HiGHS's start
        self.reused = 0
        """Solves answered by the last optimum."""

    def _still_optimal(self, cost: np.ndarray, solver: str | None) -> tuple[SolveOutcome, np.ndarray] | None:
        if self._last is None:
            return None
        last_cost, outcome, x, last_solver = self._last
        if (last_solver != solver or outcome.status != "optimal" or np.any(self.arrays.col_lower < 0)
                or np.any(cost < last_cost) or np.any(cost[x != 0] != last_cost[x != 0])):
            return None
        self.reused += 1
        return replace(outcome, seconds=0.0, messages=list(outcome.messages)), x

    def _problem(self) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
        if self._pulp is None:
            problem, variables, _ = self.matrix.to_pulp()
            for var, bound in zip(variables, self.arrays.col_upper.tolist()):
                var.upBound = None if bound == np.inf else bound
            self._pulp = problem, variables
        return self._pulp

    def solve(self, cost: np.ndarray, solver: str | None = None,
              time_limit: Deadline | float | None = None) -> tuple[SolveOutcome, np.ndarray | None]:
        """Minimise ``cost`` (by column) over the model: the outcome and the values by column
        (None without a plan). Same arguments and errors as :func:`solve`."""
        deadline = Deadline.of(time_limit)
        arrays = replace(self.arrays, cost=np.asarray(cost, dtype=float))
        same = self._still_optimal(arrays.cost, solver)
        if same is not None:
            return same
        found: dict[str, np.ndarray] = {}

        def kept() -> tuple[highspy.Highs, Arrays]:
            if self._highs is None:
                self._highs = highs_model(arrays)
            else:
                cols = np.arange(arrays.num_cols, dtype=np.int32)
                self._highs.changeColsCost(arrays.num_cols, cols, arrays.cost)
            return self._highs, arrays

        def attempt(name: str, limit: float | None) -> _Attempt:
            if name == "highs":
                return _highs_attempt(name, limit, kept, found, self._x)
            problem, variables = self._problem()
            problem.setObjective(pulp.LpAffineExpression(
                [(variables[c], float(arrays.cost[c])) for c in np.flatnonzero(arrays.cost).tolist()]))
            warm = any(v.varValue is not None for v in variables)
            return _pulp_columns_attempt(problem, variables, name, limit, deadline, found, warm_start=warm)

        outcome = _solve_loop(attempt, solver, deadline)
        x = found.get("x") if outcome.status in ("optimal", "feasible") else None
        self._last = (arrays.cost, outcome, x, solver) if x is not None else None
        if x is not None:
            self._x = x
        return outcome, x
