"""Benchmark of ``planner batch`` and ``planner sweep``: serial vs local pool vs Ray.

``python -m benchmarks.batch`` plans 200 synthetic organization workbooks (5-15 personas,
1,000-20,000 users each, written as ORG.xlsx by :mod:`benchmarks.generate`) and runs a
1,000-draw sweep of the tiny example (prices, discount, growth and Copilot adoption),
once per engine, and prints the wall time and the speedup over the serial engine. Wall
time includes starting the engine (worker processes, the Ray instance), since a user
waits for that too. Every engine's table is checked equal to the serial one (all
columns but ``seconds``). Ray runs only when it is installed (``planner[ray]``).

``--workbooks N --draws N`` change the sizes; ``--workers N`` the pool and Ray size
(default: the cores); ``--engines serial,local`` the engines.
"""
from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.generate import synthetic_org, write_org_xlsx
from planner.batch import make_engine, monte_carlo, run
from planner.batch.engines import default_workers
from planner.examples import tiny_org

SWEEP_SPEC = {
    "discount_pct": {"dist": "uniform", "low": 0, "high": 15},
    "prices": {"copilot": {"unit_price": {"dist": "uniform", "low": 24, "high": 33}}},
    "growth": {"*": {"dist": "normal", "mean": 0.05, "sd": 0.05, "min": -0.1, "max": 0.3}},
    "adoption": [{"group": "office", "share": {"dist": "beta", "a": 2, "b": 3},
                  "add_needs": ["copilot"]}],
}
"""What the benchmark sweep varies (the tiny example has groups office, analysts, store)."""


def write_workbooks(folder: Path, count: int) -> list[Path]:
    """``count`` reproducible synthetic organizations as workbooks in ``folder``."""
    paths = []
    for i in range(count):
        personas = 5 + i % 11
        users = 1_000 + (i * 7_919) % 19_000
        org = synthetic_org(users, personas, 6, seed=i, name=f"Customer {i:03d}")
        paths.append(write_org_xlsx(org, folder / f"customer_{i:03d}.xlsx"))
    return paths


def _timed(label: str, work) -> tuple[float, pd.DataFrame]:
    start = time.perf_counter()
    table = work()
    seconds = time.perf_counter() - start
    print(f"  {label:<8} {seconds:8.1f} s", flush=True)
    return seconds, table


def _compare(name: str, results: dict[str, tuple[float, pd.DataFrame]], drop: list[str]) -> list[dict]:
    base_seconds, base = results["serial"]
    rows = []
    for engine, (seconds, table) in results.items():
        same = table.drop(columns=drop).equals(base.drop(columns=drop))
        rows.append({"work": name, "engine": engine, "seconds": round(seconds, 1),
                     "speedup": round(base_seconds / seconds, 2), "same_results": same})
    return rows


def bench(workbooks: int, draws: int, engines: list[str], workers: int) -> pd.DataFrame:
    """Time the batch and the sweep on each engine; one row per (work, engine)."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="planner-bench-batch-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        print(f"writing {workbooks} workbooks ...", flush=True)
        write_workbooks(folder, workbooks)
        print(f"batch of {workbooks} workbooks:", flush=True)
        results = {}
        for engine in engines:
            out = Path(tmp) / f"out-{engine}"

            def work(engine=engine, out=out):
                with make_engine(engine, workers) as eng:
                    return run([folder], out, engine=eng)
            results[engine] = _timed(engine, work)
        rows += _compare(f"batch {workbooks} workbooks", results, ["seconds"])
    print(f"sweep of {draws} draws:", flush=True)
    results = {}
    for engine in engines:
        def work(engine=engine):
            with make_engine(engine, workers) as eng:
                return monte_carlo(tiny_org(), SWEEP_SPEC, draws=draws, seed=1, engine=eng)
        results[engine] = _timed(engine, work)
    rows += _compare(f"sweep {draws} draws", results, ["seconds"])
    return pd.DataFrame(rows)


def main(argv=None) -> pd.DataFrame:
    """Command line (see the module docstring); returns the result table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workbooks", type=int, default=200)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument("--engines", default=None,
                    help="comma-separated (default: serial,local and ray when installed)")
    args = ap.parse_args(argv)
    engines = args.engines.split(",") if args.engines else \
        ["serial", "local"] + (["ray"] if importlib.util.find_spec("ray") else [])
    if "serial" not in engines:
        engines.insert(0, "serial")
    table = bench(args.workbooks, args.draws, engines, args.workers)
    print(f"\n{args.workers} workers; speedup = serial wall time / engine wall time")
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))
    return table


def _has_tabulate() -> bool:
    return importlib.util.find_spec("tabulate") is not None


if __name__ == "__main__":
    main()
