"""Run a PuLP problem on HiGHS or CBC: the only module of ``planner.roles`` that picks a solver."""
from __future__ import annotations

import pulp

from ..errors import SolverError

SOLVERS = ("highs", "cbc")


def _solver(name: str):
    if name == "highs":
        return pulp.HiGHS(msg=False)
    return pulp.PULP_CBC_CMD(msg=False)


def solve(problem: pulp.LpProblem, solver: str = "highs") -> str:
    """Solve ``problem`` in place and return ``"optimal"`` or ``"infeasible"``.

    The requested solver is tried first, the other one if it is not available.

    Raises
    ------
    SolverError
        When no solver is available or the solver ends without an optimal answer
        (the role models always have one, thanks to their slack variables).
    """
    if solver not in SOLVERS:
        raise SolverError(f"unknown solver '{solver}'; choose one of {', '.join(SOLVERS)}")
    order = [solver] + [s for s in SOLVERS if s != solver]
    for name in order:
        engine = _solver(name)
        if not engine.available():
            continue
        problem.solve(engine)
        status = pulp.LpStatus[problem.status]
        # A time-limit stop also reports "Optimal"; sol_status tells the two apart.
        if status == "Optimal" and problem.sol_status == pulp.LpSolutionOptimal:
            return "optimal"
        if status == "Infeasible":
            return "infeasible"
        raise SolverError(f"{name} stopped without an optimal answer (status {status})")
    raise SolverError("no MILP solver available (install highspy, or pulp's bundled CBC)")
