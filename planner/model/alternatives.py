"""Per-group alternatives: the next cheapest compliant choices and what they cost extra.

The alternative of rank r for group g is the whole-plan optimum with g's chosen bundles
and its alternatives of ranks < r forbidden (``users[g,b] <= 0``). Two ways find it, with
the same answers:

**The exact shortcut (no solve)** for a group whose re-solve separates from the rest of
the plan. It is read off the model's rows (:mod:`planner.model.program`), not guessed:

1. *Eliminable purchases.* A column j (``buy[p]``) is eliminable when it is integer with
   bounds ``[0, inf)``, costs ``c_j >= 0``, and sits in exactly one row r, which reads
   ``x_j - sum_i a_i x_i >= 0`` with every ``a_i`` a positive integer on an integer column
   of lower bound 0 (``supply[p]`` when p has no holding, is bought per user or device
   with whole units per user in every group, and has no seat cap, no SA-backing row and
   no other row: ``organization``-basis products, holdings, ``seat_cap`` and
   ``sa_backing`` rows all break one of these). Then ``S = sum_i a_i x_i`` is a whole
   number at every integer point, row r says ``x_j >= S``, and no other row bounds x_j, so
   every optimum may take ``x_j = S`` (forced when ``c_j > 0``; the cost is the same when
   ``c_j = 0``). Substituting removes row r and column j and adds ``c_j a_i`` to the cost
   of each ``x_i``: the same optimum value, with the same ``users`` values.
2. *Fixed columns.* A column with equal bounds, or alone in an equality row (``active[F]``
   held by ``running_sa[F]``), is a constant.
   *Redundant rows.* A row ``sum a_i users_i <= R`` over users columns alone, every
   ``a_i >= 0``, with ``sum_g N_g max_{b of g} a_{g,b} <= R``, holds at every point that
   meets the headcounts (``sum_b users[g,b] <= N_g``): dropping it changes nothing (a
   ``seat_cap`` the groups using the product cannot reach, 300 seats for 40 users).
3. *Separable group.* After 1 and 2 (constants substituted, redundant rows dropped), let
   C_g be g's columns (``users[g,*]``, ``unlicensed[g]``). g is separable when every
   remaining row touching C_g has no other non-constant column, and is one of: ``headcount[g]`` (``sum C_g = N_g``, unit
   coefficients), or ``sum_{b in S} users[g,b] <= R`` with unit coefficients and either
   ``R >= N_g`` (implied by the headcount: ``family_in_use`` with ``active = 1``) or
   ``0 <= R < 1`` (the bundles of S are forbidden: ``enterprise_wide`` with ``active = 1``);
   every ``users[g,b]`` has bounds ``[0, >= N_g]`` or ``[0, 0]``.
   Then the program is ``min f_g(C_g) + f_rest(rest)`` with no row joining C_g to the rest:
   forbidding bundles of g changes only g's part, whose optimum over
   ``{sum_b users[g,b] + unlicensed[g] = N_g}`` is a vertex: all N_g users on the cheapest
   allowed bundle, at ``k_b`` per user (the substituted costs), or unlicensed when none
   is allowed (the penalty exceeds any bundle's cost). The re-solve's extra cost is
   therefore ``N_g k_b - f_g(plan)`` exactly, and the rest of the plan is unchanged.

**Re-solves** for the other groups, exact and in process: one HiGHS model holds the
program; each re-solve changes in place the bounds and costs that differ from the last one
(its LPs start warm from the last basis) and runs :class:`~planner.model.solver.LpFirst`
without its MIP step: an LP per combination of the platform binaries, rounded on the
headcount rows, is proven optimal when the rounded plan meets every combination's bound
(within :data:`RESOLVE_GAP`). The few it cannot prove go to CBC as a child process
(:class:`~planner.model.solver.CbcArrays`; with HiGHS as the run's solver, to HiGHS's MIP).
Groups run on two threads, so a CBC child overlaps the next LPs; the run's deadline and
``skipped`` list are honoured as before.

**Ties** are settled the same way on both paths and by both solvers: the group's users
carry a tie-break cost of ``eps * position`` per user, the position of the bundle in the
order of product tuples (then bundle index) and ``eps`` so small that a group's whole
tie-break stays under :data:`TIE_BUDGET` (less than half a cent); the re-solves run at
feasibility tolerances (:data:`TOLERANCE`) and a gap below it. Among plans of the same
cost the group's users thus go to the bundle first in that order, whatever the solver;
the extra costs reported leave the tie-break out.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import highspy
import numpy as np

from planner.errors import SolverError
from planner.model.children import stdout_to_stderr
from planner.model.deadline import MIN_SOLVE_SECONDS, Deadline, DeadlineReached
from planner.model.extract import EPS, chosen_bundles
from planner.model.matrix import EQ, GE, LE, Matrix
from planner.model.program import PlanningModel
from planner.model.solver import CbcArrays, HighsResult, LpFirst, highs_model, quiet_highs
from planner.results import ALTERNATIVE_COLUMNS
from planner.table import Table

TIE_BUDGET = 0.004
"""Most the tie-break adds to a plan's cost [currency/year]: less than half a cent."""
RESOLVE_GAP = 1e-12
"""Relative gap of a re-solve: tight enough to see the tie-break (at least TIE_BUDGET / bundles)."""
WORKERS = 2
"""CBC re-solves run at once (each a child process; the machines have 2 cores)."""
TOLERANCE = 1e-10
"""HiGHS's feasibility tolerances in re-solves: below the tie-break's cost per user (default 1e-7)."""
_HIGHS = threading.Lock()  # highspy's run-in-a-thread locks are class attributes: one HiGHS solve at a time
NO_OTHER = "no other compliant choice for this group"
RESOLVED = "whole plan re-solved with the better choices forbidden for this group"
SEPARATE = ("the group's next cheapest choice; the rest of the plan is unchanged "
            "(it shares no holding, cap or platform rule)")


@dataclass
class Separable:
    """A separable group's closed form: per-user annual cost and allowed flag of each bundle."""

    cost: np.ndarray
    allowed: np.ndarray
    penalty: float


def column_bounds(m: PlanningModel) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of each column: the PuLP variables' once they exist (they are
    then the model, bounds may have been edited), else the matrix's."""
    if not m.materialised:
        return np.array(m.matrix.col_lower, dtype=float), np.array(m.matrix.col_upper, dtype=float)
    return (np.array([-np.inf if v.lowBound is None else v.lowBound for v in m.variables], dtype=float),
            np.array([np.inf if v.upBound is None else v.upBound for v in m.variables], dtype=float))


def _whole(a: float) -> bool:
    return float(a).is_integer()


def _fixed_columns(mx: Matrix, lower: list[float], upper: list[float]) -> tuple[dict[int, float], set[int]]:
    """Constant columns (equal bounds, or alone in an equality row) and the fixing rows."""
    fixed = {j: lo for j, (lo, up) in enumerate(zip(lower, upper)) if lo == up}
    rows = set()
    for r, terms in enumerate(mx.row_terms):
        if mx.row_sense[r] == EQ and len(terms) == 1:
            (j, a), = terms.items()
            fixed[j] = mx.row_rhs[r] / a
            rows.add(r)
    return fixed, rows


def _eliminable(mx: Matrix, lower, upper, rows_of: list[list[int]]) -> dict[int, int]:
    """Eliminable purchase column -> its only row (point 1 of the module docstring)."""
    out = {}
    for j, rows in enumerate(rows_of):
        if (len(rows) != 1 or not mx.col_integer[j] or lower[j] != 0 or upper[j] != np.inf
                or mx.cost.get(j, 0.0) < 0):
            continue
        r = rows[0]
        if mx.row_sense[r] != GE or mx.row_rhs[r] != 0:
            continue
        terms = mx.row_terms[r]
        if terms[j] != 1:
            continue
        if all(i == j or (a < 0 and _whole(a) and mx.col_integer[i] and lower[i] == 0)
               for i, a in terms.items()):
            out[j] = r
    return out


def _redundant(m: PlanningModel) -> set[int]:
    """``<=`` rows over users columns alone that no plan can violate (point 2b of the module
    docstring): ``sum a users <= R`` with ``a >= 0`` and ``sum_g N_g max_b a[g,b] <= R``."""
    mx = m.matrix
    group_of = {c: gi for (gi, _), c in m.col_users.items()}
    out = set()
    for r, terms in enumerate(mx.row_terms):
        if mx.row_sense[r] != LE or not terms or not all(c in group_of and a >= 0 for c, a in terms.items()):
            continue
        most: dict[int, float] = {}
        for c, a in terms.items():
            most[group_of[c]] = max(most.get(group_of[c], 0.0), a)
        if sum(m.options.groups[gi].group.users * a for gi, a in most.items()) <= mx.row_rhs[r]:
            out.add(r)
    return out


def separable_groups(m: PlanningModel) -> dict[int, Separable]:
    """The groups whose alternatives need no solve, with their closed forms.

    The conditions and why they make the shortcut exact are in the module docstring.
    Bounds are read from the PuLP variables once they exist (they are then the model).
    """
    mx = m.matrix
    low, up = column_bounds(m)
    lower, upper = low.tolist(), up.tolist()
    rows_of: list[list[int]] = [[] for _ in mx.col_names]
    for r, terms in enumerate(mx.row_terms):
        for j in terms:
            rows_of[j].append(r)
    fixed, fixing = _fixed_columns(mx, lower, upper)
    eliminated = _eliminable(mx, lower, upper, rows_of)
    gone = set(eliminated.values()) | fixing | _redundant(m)
    cost = defaultdict(float, mx.cost)
    for j, r in eliminated.items():
        c = mx.cost.get(j, 0.0)
        for i, a in mx.row_terms[r].items():
            if i != j:
                cost[i] += c * -a
    out = {}
    for gi, go in enumerate(m.options.groups):
        cols = [m.col_users[gi, bi] for bi in range(len(go.bundles))]
        unl = m.col_unlicensed[gi]
        local = set(cols) | {unl}
        n = go.group.users
        allowed = np.array([lower[c] == 0 and (upper[c] >= n) for c in cols])
        if not all(lower[c] == 0 and (upper[c] >= n or upper[c] == 0) for c in cols):
            continue
        ok, seen_headcount = True, False
        for r in sorted({r for c in local for r in rows_of[c]} - gone):
            terms = {i: a for i, a in mx.row_terms[r].items() if i not in fixed}
            rhs = mx.row_rhs[r] - sum(a * fixed[i] for i, a in mx.row_terms[r].items() if i in fixed)
            if not set(terms) <= local or any(a != 1 for a in terms.values()):
                ok = False
                break
            sense = mx.row_sense[r]
            if sense == EQ and set(terms) == local - fixed.keys() and rhs == n:
                seen_headcount = True
            elif sense == LE and unl not in terms and rhs >= n:
                continue
            elif sense == LE and unl not in terms and 0 <= rhs < 1:
                for bi, c in enumerate(cols):
                    if c in terms:
                        allowed[bi] = False
            else:
                ok = False
                break
        if ok and seen_headcount and lower[unl] == 0 and upper[unl] >= n:
            out[gi] = Separable(np.array([cost[c] for c in cols], dtype=float), allowed, cost[unl])
    return out


def tie_order(bundles) -> np.ndarray:
    """Each bundle's position in the tie-break order: by product tuple, then index."""
    ranked = sorted(range(len(bundles)), key=lambda bi: (bundles[bi].products, bi))
    pos = np.empty(len(bundles), dtype=float)
    pos[ranked] = np.arange(len(bundles))
    return pos


def _epsilon(users: int, bundles: int) -> float:
    """The tie-break cost per user and position: all of it stays under :data:`TIE_BUDGET`."""
    return TIE_BUDGET / (max(users, 1) * max(bundles - 1, 1))


def _row(go, rank: int, chosen, alt, extra: float | None, note: str) -> dict:
    users = go.group.users
    return dict(group=go.group.name, rank=rank, chosen=chosen, alternative=alt,
                extra_annual_cost=None if extra is None else round(extra, 2),
                extra_annual_cost_per_user=None if extra is None else (round(extra / users, 2) if users else None),
                note=note)


def _separable_ranks(go, sep: Separable, picks: list[int], base_users: dict[int, int],
                     per_group: int) -> list[dict]:
    """The ranks of a separable group in closed form (module docstring, point 3)."""
    n = go.group.users
    chosen = tuple(go.bundles[bi].products for bi in picks)
    here = sum(u * sep.cost[bi] for bi, u in base_users.items())
    score = sep.cost + _epsilon(n, len(go.bundles)) * tie_order(go.bundles)
    free = sep.allowed.copy()
    free[picks] = False
    rows = []
    for rank in range(1, per_group + 1):
        candidates = np.flatnonzero(free)
        best = int(candidates[np.argmin(score[candidates])]) if len(candidates) else None
        if best is None or sep.cost[best] >= sep.penalty:
            if rank == 1:
                rows.append(_row(go, 1, chosen, (), None, NO_OTHER))
            break
        rows.append(_row(go, rank, chosen, (go.bundles[best].products,), n * sep.cost[best] - here, SEPARATE))
        free[best] = False
    return rows


class _Resolver:
    """Whole-plan re-solves of one model with some bundles forbidden and the tie-break cost.

    One HiGHS model holds the program; each re-solve changes the bounds and costs that
    differ from the last one in place (the LPs start warm from the last basis) and runs
    :class:`~planner.model.solver.LpFirst`. With CBC as the run's solver, a re-solve the
    LPs do not prove goes to a CBC child process (:class:`~planner.model.solver.CbcArrays`);
    with HiGHS, to HiGHS's MIP.
    """

    def __init__(self, m: PlanningModel, solver: str, fallback: bool = False):
        lower, upper = column_bounds(m)
        arrays = replace(m.matrix.arrays(), col_lower=lower, col_upper=upper)
        self.a, self.solver, self.fallback = arrays, solver, fallback
        self._cbc: CbcArrays | None = None
        self.h = highs_model(arrays, quiet_highs())
        for option in ("dual_feasibility_tolerance", "primal_feasibility_tolerance"):
            self.h.setOptionValue(option, TOLERANCE)
        self._upper, self._cost = arrays.col_upper.copy(), arrays.cost.copy()

    def _lp_first(self, upper: np.ndarray, cost: np.ndarray, limit: float | None) -> HighsResult:
        h, inf = self.h, highspy.kHighsInf
        moved = np.flatnonzero((upper != self._upper) | (cost != self._cost)).astype(np.int32)
        if len(moved):
            h.changeColsBounds(len(moved), moved, self.a.col_lower[moved],
                               np.where(np.isinf(upper[moved]), inf, upper[moved]))
            h.changeColsCost(len(moved), moved, cost[moved])
            self._upper[moved], self._cost[moved] = upper[moved], cost[moved]
        arrays = replace(self.a, col_upper=self._upper, cost=self._cost)
        return LpFirst(h, arrays, limit, gap=RESOLVE_GAP, mip=self.solver != "cbc").solve()

    def solve(self, upper: np.ndarray, cost: np.ndarray, limit: float | None) -> HighsResult:
        """The optimum with these column upper bounds and costs."""
        start = time.perf_counter()
        with _HIGHS, stdout_to_stderr():
            result = self._lp_first(upper, cost, limit)
        if result.status != "unproven":
            return result
        if self._cbc is None:
            self._cbc = CbcArrays(self.a)
        left = None if limit is None else max(MIN_SOLVE_SECONDS, limit - (time.perf_counter() - start))
        try:
            return self._cbc.solve(self.a.col_lower, upper, cost, left, gap_rel=RESOLVE_GAP,
                                   options=("preprocess", "off"))
        except SolverError:
            if not self.fallback:
                raise
        self.solver = "highs"  # CBC cannot run here (not installed, TMPDIR unusable): HiGHS's MIP
        with _HIGHS, stdout_to_stderr():
            return self._lp_first(upper, cost, limit)


def _resolved_ranks(m: PlanningModel, r: _Resolver, gi: int, picks: list[int], base: float,
                    deadline: Deadline, per_group: int, stop: threading.Event,
                    skip: bool) -> tuple[list[dict], bool]:
    """The ranks of one group by whole-plan re-solves; and whether the deadline cut it off."""
    go = m.options.groups[gi]
    chosen = tuple(go.bundles[bi].products for bi in picks)
    cols = np.array([m.col_users[gi, bi] for bi in range(len(go.bundles))])
    cost = r.a.cost.copy()
    cost[cols] += _epsilon(go.group.users, len(go.bundles)) * tie_order(go.bundles)
    upper = r.a.col_upper.copy()
    forbidden = list(picks)
    rows: list[dict] = []
    for rank in range(1, per_group + 1):
        upper[cols[forbidden]] = 0
        try:
            if stop.is_set():
                raise DeadlineReached("the time limit ran out on an earlier group")
            limit = deadline.limit_for_solve()
            result = r.solve(upper, cost, limit)
            if result.status == "none":
                if limit is not None:
                    raise DeadlineReached(f"no plan found within the time limit of {deadline.seconds:g} s")
                raise SolverError(f"solver '{r.solver}' ended a re-solve without a plan")
        except DeadlineReached:
            if not skip:
                raise
            stop.set()
            return rows, rank == 1
        x = result.x
        if x is None or any(x[c] > EPS for c in m.col_unlicensed.values()):
            if rank == 1:
                rows.append(_row(go, 1, chosen, (), None, NO_OTHER))
            break
        alt = [bi for bi in range(len(go.bundles)) if round(x[cols[bi]]) > 0]
        extra = float(r.a.cost @ x) - base
        rows.append(_row(go, rank, chosen, tuple(go.bundles[bi].products for bi in alt), extra, RESOLVED))
        forbidden += alt
    return rows, False


def alternatives(m: PlanningModel, base: float, solver: str, time_limit, per_group: int,
                 skipped: list[str] | None = None, progress=None, shortcut: bool = True,
                 fallback: bool = False) -> Table:
    """Per group, the next ``per_group`` cheapest compliant choices and their extra cost.

    The alternative of rank r is the whole-plan optimum with the group's chosen bundles and
    its alternatives of lower rank forbidden, so holdings and platform rules are respected;
    a separable group's is read off in closed form, the others' are re-solved (two at a
    time with CBC), ties settled by the product tuples (module docstring). When the run's
    deadline (``time_limit``) runs out, the groups whose re-solves are not done are appended
    to ``skipped`` (``None``: the deadline error is raised); ``progress(phase, k, n)`` is told
    of each group, in order, from the calling thread. ``shortcut=False`` re-solves every
    group (the tests compare the two). ``fallback``: when ``solver`` is CBC and cannot run,
    the re-solves it would take go to HiGHS's MIP (the same answers) instead of failing.
    """
    deadline = Deadline.of(time_limit)
    chosen = chosen_bundles(m)
    groups = m.options.groups
    picks: dict[int, list[int]] = defaultdict(list)
    users: dict[int, dict[int, int]] = defaultdict(dict)
    for (gi, bi), u in sorted(chosen.items()):
        picks[gi].append(bi)
        users[gi][bi] = u
    closed = separable_groups(m) if shortcut else {}
    stop = threading.Event()
    if skipped:
        stop.set()
    resolver = None
    work = [gi for gi in range(len(groups)) if picks.get(gi) and gi not in closed]
    results: dict[int, object] = {}
    pool = None
    if work:
        resolver = _Resolver(m, solver, fallback)
        pool = ThreadPoolExecutor(max_workers=WORKERS if solver == "cbc" else 1)
        for gi in work:
            results[gi] = pool.submit(_resolved_ranks, m, resolver, gi, picks[gi], base, deadline,
                                      per_group, stop, skipped is not None)
    rows: list[dict] = []
    cut: list[str] = []
    try:
        for gi, go in enumerate(groups):
            if progress:
                progress("alternatives", gi + 1, len(groups))
            if not picks.get(gi):
                continue
            if gi in closed:
                rows += _separable_ranks(go, closed[gi], picks[gi], users[gi], per_group)
                continue
            got, was_cut = results[gi].result()  # type: ignore[attr-defined]
            rows += got
            if was_cut:
                cut.append(go.group.name)
    finally:
        if pool is not None:
            stop.set()  # on an error or interrupt, the re-solves not started are not started
            pool.shutdown(wait=True, cancel_futures=True)
    if skipped is not None:
        skipped += cut
    return Table.from_dicts(ALTERNATIVE_COLUMNS, rows)
