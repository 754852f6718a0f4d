"""Run a role model through the planner's solver wrapper (one place picks and falls back)."""
from __future__ import annotations

import pulp

from planner.errors import SolverError
from planner.outputs import JOURNAL
from planner.model.solver import SOLVERS
from planner.model.solver import solve as run_solver


def solve(problem: pulp.LpProblem, solver: str | None = None) -> str:
    """Solve ``problem`` in place and return ``"optimal"`` or ``"infeasible"``.

    A named solver is the only one tried; by default the planner's default solver is
    tried first and the other one if it is missing or fails.

    Raises
    ------
    SolverError
        When no solver could run, or one ends without an optimal answer (the role
        models always have one, thanks to their slack variables).
    """
    if solver is not None and solver not in SOLVERS:
        raise SolverError(f"unknown solver '{solver}'; choose one of {', '.join(SOLVERS)}")
    outcome = run_solver(problem, solver)
    for message in outcome.messages:  # a fallback: the CLI prints it as a warning
        JOURNAL.note(message)
    if outcome.status in ("optimal", "infeasible"):
        return outcome.status
    raise SolverError(f"{outcome.solver} stopped without an optimal answer (status {outcome.status})")
