"""Smoke test of benchmarks/batch.py at toy size on the serial engine: it runs and prints.

The benchmark itself (200 workbooks, 1,000 draws, every engine) is ``python -m
benchmarks.batch``; engines agreeing is tested in test_batch_run, test_batch_sweep and
test_batch_ray. No timing is asserted here.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.batch import main

    table = main(["--workbooks", "2", "--draws", "4", "--engines", "serial"])
    assert table["work"].tolist() == ["batch 2 workbooks", "sweep 4 draws"]
    assert table["same_results"].all()
    assert "speedup" in capsys.readouterr().out
