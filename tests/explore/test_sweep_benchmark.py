"""benchmarks/sweep.py at CI size: both paths run and agree (its timings are never asserted)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.sweep import measure  # noqa: E402


def test_the_sweep_benchmark_measures_both_paths_alike():
    args = argparse.Namespace(users=300, personas=12, holdings=6, seed=2, product="copilot", low=10.0,
                              high=40.0, n=3, at="renewal", solver="cbc")
    today = measure(argparse.Namespace(**vars(args), reuse=False))
    reused = measure(argparse.Namespace(**vars(args), reuse=True))
    assert today["core"] == reused["core"]
    assert today["core"]["status"] == ["optimal"] * 3
    assert today["wall"] > 0 and reused["cpu"] > 0
