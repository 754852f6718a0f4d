"""Progress of a long ``planner solve`` on stderr: the phase, and alternatives k/N.

Shown only when stderr is a terminal (and never under ``--json``): one line rewritten in
place, cleared when the run ends, so logs and pipes get no progress text at all.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable

PHASES = {"solving": "solving the plan", "alternatives": "alternatives",
          "baseline": "compliant status quo", "robustness": "robustness re-solves"}


def terminal_progress(stream=None) -> Callable[[str, int, int], None] | None:
    """A ``progress(phase, k, n)`` callback writing to a terminal, or None when not one."""
    stream = stream or sys.stderr
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    start = time.monotonic()

    def show(phase: str, k: int, n: int) -> None:
        label = PHASES.get(phase, phase)
        count = f" {k}/{n}" if n > 1 else ""
        stream.write(f"\r\033[K{label}{count} ({time.monotonic() - start:.0f} s)")
        if phase == "done":
            stream.write("\r\033[K")
        stream.flush()
    return show
