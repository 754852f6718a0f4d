"""SIGINT and SIGTERM: the same clean stop, with the exit code of the signal.

A command body runs inside :func:`handled`: SIGTERM (``kill PID``) raises
:class:`Interrupted` just as Ctrl-C raises ``KeyboardInterrupt``, so the same ``finally``
blocks run (the solver child is killed, temporary files and folders removed, a
half-written output deleted) and the command exits 130 (SIGINT) or 143 (SIGTERM) with
one line saying what was written: nothing, unless an output was complete before the
signal came.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from planner.outputs import Journal


class Interrupted(KeyboardInterrupt):
    """A stop asked for by signal ``signum``."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum, frame) -> None:
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """Run the block with SIGTERM raising :class:`Interrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for SIGINT (and a bare KeyboardInterrupt), 143 for SIGTERM."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


def interrupted_line(journal: Journal) -> str:
    """What an interrupted command prints: nothing written, or the files complete before."""
    if not journal.written:
        return "interrupted; nothing was written"
    done = ", ".join(str(p) for p in journal.written)
    return f"interrupted; only {done} was written (complete)"
