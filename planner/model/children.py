"""What a solve leaves behind: nothing. Solver children, temporary files and stdout.

- :func:`private_tmpdir`: a fresh 0700 folder for the solver's model and solution files
  (they carry the model), removed in ``finally`` whatever happens;
- :func:`guarded_children`: every process PuLP starts for CBC runs in its own process
  group (a terminal's Ctrl-C reaches the planner only, which then decides), dies with
  the planner (``PR_SET_PDEATHSIG`` on Linux, so even ``kill -9`` of the planner stops
  it) and is killed when the solve ends early (an interrupt, an error);
- :func:`stdout_to_stderr`: fd 1 is pointed at fd 2 for the block, so a solver library
  writing its banner on the C level cannot put it in front of ``--json`` output.
"""
from __future__ import annotations

import contextvars
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager

from planner.errors import InputError, SolverError
from planner.outputs import private_folder

PR_SET_PDEATHSIG = 1


def _libc():
    # The process's own symbols include the C library's on Linux and macOS (dlopen(NULL));
    # ctypes.util.find_library would run ldconfig, a child process, on every start.
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):
        try:
            return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        except OSError:  # no C library to call: the guards that need it are skipped
            return None


_LIBC = _libc()
_PRCTL = getattr(_LIBC, "prctl", None) if sys.platform.startswith("linux") else None


@contextmanager
def private_tmpdir():
    """:func:`planner.outputs.private_folder` for a solver's files.

    Raises
    ------
    SolverError
        When the folder cannot be created (``TMPDIR`` missing, a file, not writable).
    """
    try:
        folder_cm = private_folder()
        folder = folder_cm.__enter__()
    except InputError as exc:
        raise SolverError(str(exc)) from None
    try:
        yield folder
    finally:
        folder_cm.__exit__(None, None, None)


def _die_with_parent(parent: int) -> None:
    """Run in the child before exec: be killed when the planner dies."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the planner died before prctl took effect
        os._exit(1)


_BLOCK: contextvars.ContextVar[list[subprocess.Popen] | None] = contextvars.ContextVar(
    "guarded_block", default=None)
"""The children started in the innermost :func:`guarded_children` block of this thread."""


class _GuardedSubprocess:
    """The ``subprocess`` module as PuLP's CBC runner sees it: Popen is guarded, and each
    child is recorded in the block (thread) that started it."""

    def __init__(self, real):
        self.real = real
        self.blocks = 0  # guarded_children blocks open on this module, in any thread

    def __getattr__(self, name):
        return getattr(self.real, name)

    def Popen(self, args, **kwargs):  # noqa: N802 - the name PuLP calls
        parent = os.getpid()
        kwargs.setdefault("start_new_session", True)
        kwargs.setdefault("preexec_fn", lambda: _die_with_parent(parent))
        proc = self.real.Popen(args, **kwargs)
        started = _BLOCK.get()
        if started is not None:
            started.append(proc)
        return proc


_GUARD_LOCK = threading.Lock()


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # unkillable (stopped in the kernel): nothing more to do
        pass


@contextmanager
def guarded_children(module):
    """Guard every process ``module`` starts with ``module.subprocess.Popen`` in the block.

    On leaving the block (normally or by an exception, a signal included), each child the
    block started that is still running is killed with its process group and reaped.
    Blocks in several threads at once (CBC solves run side by side) share one guard on
    the module, removed when the last of them ends; each kills only its own children.
    """
    with _GUARD_LOCK:
        guard = module.subprocess
        if not isinstance(guard, _GuardedSubprocess):
            guard = module.subprocess = _GuardedSubprocess(guard)
        guard.blocks += 1
    started: list[subprocess.Popen] = []
    token = _BLOCK.set(started)
    try:
        yield started
    finally:
        _BLOCK.reset(token)
        with _GUARD_LOCK:
            guard.blocks -= 1
            if guard.blocks == 0:
                module.subprocess = guard.real
        for proc in started:
            _kill(proc)


_REDIRECT_LOCK = threading.Lock()
_redirect = {"depth": 0, "saved": -1}  # fd 1 is process-wide: one redirect for all threads


@contextmanager
def stdout_to_stderr():
    """Send whatever is written to file descriptor 1 in the block to fd 2 instead.

    Nested and concurrent blocks (threads solving at once) share one redirect, undone
    when the last of them ends.
    """
    with _REDIRECT_LOCK:
        if _redirect["depth"] == 0:
            try:
                sys.stdout.flush()
                saved = os.dup(1)
            except (OSError, ValueError, AttributeError):  # no real fd 1 (embedded, closed)
                saved = -1
            if saved >= 0:
                os.dup2(2, 1)
            _redirect["saved"] = saved
        _redirect["depth"] += 1
    try:
        yield
    finally:
        with _REDIRECT_LOCK:
            _redirect["depth"] -= 1
            if _redirect["depth"] == 0 and _redirect["saved"] >= 0:
                if _LIBC is not None:
                    _LIBC.fflush(None)  # C-level buffers go where they were meant, to stderr
                os.dup2(_redirect["saved"], 1)
                os.close(_redirect["saved"])
                _redirect["saved"] = -1
