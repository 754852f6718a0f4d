"""Issue 20: Ctrl-C or SIGTERM during an in-process HiGHS run stops HiGHS at once.

The model is a market split instance (5 equalities over 40 binaries), which HiGHS cannot
settle in minutes; the run must end within seconds of the signal, with the signal's
exception and no HiGHS thread left running.
"""
from __future__ import annotations

import os
import signal
import threading
import time

import highspy
import numpy as np
import pytest

from planner.model.solver import run_interruptibly


class Stop(Exception):
    """What the test's SIGINT handler raises (a stand-in for KeyboardInterrupt)."""


def _market_split(rows: int = 5, cols: int = 40, seed: int = 3) -> highspy.Highs:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, size=(rows, cols))
    rhs = np.floor(a.sum(axis=1) / 2)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", 120.0)
    h.addVars(cols, np.zeros(cols), np.ones(cols))
    h.changeColsIntegrality(cols, np.arange(cols, dtype=np.int32),
                            np.full(cols, highspy.HighsVarType.kInteger))
    for r in range(rows):
        h.addRow(rhs[r], rhs[r], cols, np.arange(cols, dtype=np.int32), a[r].astype(float))
    return h


def _raise_stop(signum, frame):
    raise Stop


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_an_in_process_highs_run(sig):
    h = _market_split()
    old = signal.signal(sig, _raise_stop)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), sig))
    try:
        start = time.perf_counter()
        timer.start()
        with pytest.raises(Stop):
            run_interruptibly(h)
        elapsed = time.perf_counter() - start
    finally:
        timer.cancel()
        signal.signal(sig, old)
    assert elapsed < 10, f"HiGHS kept running {elapsed:.1f} s after the signal"
    assert not h.is_solver_running()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def test_an_uninterrupted_run_solves_as_before():
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.addVars(2, np.zeros(2), np.array([4.0, 4.0]))
    h.changeColsCost(2, np.arange(2, dtype=np.int32), np.array([-1.0, -2.0]))
    h.addRow(-np.inf, 5.0, 2, np.arange(2, dtype=np.int32), np.array([1.0, 1.0]))
    run_interruptibly(h)
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert h.getInfo().objective_function_value == pytest.approx(-9.0)
