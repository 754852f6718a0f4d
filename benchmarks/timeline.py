"""Benchmark of timeline plans: build and solve of a multi-period plan vs one point.

    python -m benchmarks.timeline                # 250,000 users, 2,000 personas, 3 periods
    python -m benchmarks.timeline --quick        # 20,000 users, 200 personas (CI smoke)

Each run is a fresh interpreter (``benchmarks.run --worker``-style, here ``--worker``), so
import time stays out and the peak RSS is the run's own. Prints the medians of ``--runs``
runs and the ratio timeline / single point.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def work(kind: str, users: int, personas: int, holdings: int, seed: int, years: int) -> dict:
    """One timeline (``kind="timeline"``) or single-point (``"now"``) solve, phase by phase."""
    from benchmarks.generate import synthetic_org
    from planner.catalog.load import load_catalog
    from planner.catalog.pricing import Pricing
    from planner.model.options import enumerate_options
    from planner.model.periods import timeline_periods
    from planner.model.program import build_model
    from planner.model.solver import solve
    from planner.model.timeline import build_timeline

    catalog = load_catalog()
    inputs = synthetic_org(users, personas, holdings, seed)
    t0 = time.perf_counter()
    if kind == "timeline":
        periods = timeline_periods(inputs, catalog, years)
        problem = build_timeline(inputs, catalog, periods).problem
    else:
        periods = [None]
        pricing = Pricing.for_plan(inputs, catalog, "now")
        problem = build_model(inputs, enumerate_options(inputs, catalog, pricing), pricing, catalog).problem
    t1 = time.perf_counter()
    outcome = solve(problem, "cbc")
    t2 = time.perf_counter()
    return dict(build=t1 - t0, solve=t2 - t1, total=t2 - t0, status=outcome.status,
                periods=len(periods), variables=len(problem.variables()),
                constraints=problem.numConstraints(),
                rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def child(**kwargs) -> dict:
    """Run :func:`work` in a fresh interpreter and return its figures."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "benchmarks.timeline", "--worker", json.dumps(kwargs)],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    """Print the medians and the timeline / single-point ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--years", type=int, default=2, help="years after the renewal (2 -> 3 periods)")
    ap.add_argument("--worker")
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(work(**json.loads(args.worker))))
        return 0
    users, personas = (20_000, 200) if args.quick else (250_000, 2_000)
    runs = 1 if args.quick else args.runs
    size = dict(users=users, personas=personas, holdings=20, seed=1, years=args.years)
    rows = {kind: [child(kind=kind, **size) for _ in range(runs)] for kind in ("now", "timeline")}
    print(f"load average {os.getloadavg()[0]:.2f}; {users:,} users, {personas:,} personas, "
          f"medians of {runs} run(s)")
    med = {kind: {k: statistics.median(r[k] for r in rs) for k in ("build", "solve", "total", "rss")}
           for kind, rs in rows.items()}
    for kind, rs in rows.items():
        m = med[kind]
        print(f"{kind:9s} periods {rs[0]['periods']}  build {m['build']:.2f} s  solve {m['solve']:.2f} s  "
              f"total {m['total']:.2f} s  peak RSS {m['rss'] / 2**20:.0f} MiB  "
              f"status {','.join(sorted({r['status'] for r in rs}))}  "
              f"{rs[0]['variables']:,} variables, {rs[0]['constraints']:,} rows")
    print(f"ratio timeline/now: total {med['timeline']['total'] / med['now']['total']:.2f}x, "
          f"memory {med['timeline']['rss'] / med['now']['rss']:.2f}x")
    ok = all(r["status"] == "optimal" for r in rows["timeline"])
    print("timeline proven optimal:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
