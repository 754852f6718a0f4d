"""One wall-clock deadline for a whole run: main solve, alternatives, baseline, robustness.

``--time-limit S`` used to be given to every solve of a run, so 60 alternative re-solves
could take 60 times S. A :class:`Deadline` is created once per run and handed to every
solve in place of a number of seconds; each solve gets what is left of it, and a solve
that cannot start (or stops without a plan) because the deadline is spent raises
:class:`DeadlineReached`, which the caller turns into "skipped" rather than an error.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from planner.errors import SolverError

MIN_SOLVE_SECONDS = 0.05
"""Less time than this left is no time: a solver given less cannot even read the model."""


class DeadlineReached(SolverError):
    """The run's time limit ran out before a solve could return a plan."""


@dataclass
class Deadline:
    """``seconds`` from ``start`` (monotonic clock); ``None`` seconds is no limit."""

    seconds: float | None = None
    start: float = field(default_factory=time.monotonic)

    @classmethod
    def of(cls, limit: Deadline | float | None) -> Deadline:
        """``limit`` itself when it is a Deadline, else a new one of ``limit`` seconds."""
        return limit if isinstance(limit, Deadline) else cls(limit)

    def sooner(self, seconds: float) -> Deadline:
        """The same deadline ``seconds`` earlier (time kept back for a later step)."""
        if self.seconds is None:
            return self
        return Deadline(max(0.0, self.seconds - seconds), self.start)

    def remaining(self) -> float | None:
        """Seconds left (never negative), or ``None`` without a limit."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - (time.monotonic() - self.start))

    def expired(self) -> bool:
        """True when less than :data:`MIN_SOLVE_SECONDS` is left."""
        left = self.remaining()
        return left is not None and left < MIN_SOLVE_SECONDS

    def limit_for_solve(self, what: str = "the model") -> float | None:
        """The time limit for the next solve.

        Raises
        ------
        DeadlineReached
            When the deadline is spent.
        """
        if self.expired():
            raise DeadlineReached(f"the time limit of {self.seconds:g} s ran out before "
                                  f"solving {what}")
        return self.remaining()
