"""Price sweep: seconds per point, today's path (a plan per point) against one reused model.

Each measurement runs in a fresh process: ``planner.explore.sweep`` of ``prices.<product>``
over an evenly spaced grid on ``synthetic_org(users, personas, holdings, seed)``, with
``reuse_model=False`` (every point through :func:`planner.plan`) and ``reuse_model=True``
(:mod:`planner.model.reprice`). It prints, per planning point and solver, the median wall
and CPU seconds per point (CPU includes CBC's child processes) over ``--repeat`` processes,
the ratio old/new, and whether both paths gave the same status, annual cost, baseline and
savings at every point of the shorter grid.

    python -m benchmarks.sweep --at now renewal --solver cbc highs --old-points 20 --points 100
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CORE = ["status", "annual_cost", "baseline_annual_cost", "committed_annual_cost", "savings"]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(args: argparse.Namespace) -> dict:
    """One sweep in this process: seconds and CPU seconds per point, and the core columns."""
    from benchmarks.generate import synthetic_org
    from planner.catalog.load import load_catalog
    from planner.explore import sweep

    catalog = load_catalog()
    org = synthetic_org(users=args.users, personas=args.personas, holdings=args.holdings, seed=args.seed)
    n = args.n
    grid = {f"prices.{args.product}": [round(args.low + (args.high - args.low) * i / max(n - 1, 1), 4)
                                       for i in range(n)]}
    wall, cpu = time.perf_counter(), _cpu()
    # a checkout from before reuse_model plans every point from scratch
    extra = {"reuse_model": args.reuse} if "reuse_model" in inspect.signature(sweep).parameters else {}
    table = sweep(org, grid, at=args.at, catalog=catalog, solver=args.solver, progress=False, **extra)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {"wall": wall / n, "cpu": cpu / n, "core": table[CORE].to_dict("list")}


def _child(args: argparse.Namespace, at: str, solver: str, n: int, reuse: bool) -> dict:
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[1])
    tree = here if reuse or not args.today_tree else str(Path(args.today_tree).resolve())
    env["PYTHONPATH"] = os.pathsep.join([tree, here] + [p for p in [env.get("PYTHONPATH")] if p])
    cmd = [sys.executable, str(Path(here) / "benchmarks" / "sweep.py"), "--child", "--at", at, "--solver", solver,
           "--n", str(n), "--users", str(args.users), "--personas", str(args.personas),
           "--holdings", str(args.holdings), "--seed", str(args.seed), "--product", args.product,
           "--low", str(args.low), "--high", str(args.high)] + (["--reuse"] if reuse else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=tree).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Run the comparison (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", nargs="+", default=["now", "renewal"])
    parser.add_argument("--solver", nargs="+", default=["cbc"])
    parser.add_argument("--users", type=int, default=25000)
    parser.add_argument("--personas", type=int, default=500)
    parser.add_argument("--holdings", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--product", default="copilot")
    parser.add_argument("--low", type=float, default=15.0)
    parser.add_argument("--high", type=float, default=45.0)
    parser.add_argument("--old-points", type=int, default=20, help="grid of today's path")
    parser.add_argument("--points", type=int, default=100, help="grid of the reused model")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--today-tree", help="a checkout whose planner runs today's path (e.g. "
                        "`git archive <main commit>` unpacked); default: this one, reuse_model=False")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.at, args.solver = args.at[0], args.solver[0]
        print(json.dumps(measure(args)))
        return
    print(f"price sweep of {args.product} {args.low:g}-{args.high:g} on synthetic_org(users={args.users}, "
          f"personas={args.personas}, holdings={args.holdings}, seed={args.seed}); medians of "
          f"{args.repeat} fresh processes, seconds per point (wall / CPU incl. solver children)")
    for at in args.at:
        for solver in args.solver:
            runs = {}
            for label, n, reuse in (("old", args.old_points, False), ("new", args.old_points, True),
                                    ("new100", args.points, True)):
                runs[label] = [_child(args, at, solver, n, reuse) for _ in range(args.repeat)]
            med = {k: (statistics.median(r["wall"] for r in v), statistics.median(r["cpu"] for r in v))
                   for k, v in runs.items()}
            same = runs["old"][0]["core"] == runs["new"][0]["core"]
            print(f"{at:8s} {solver:5s} today {med['old'][0]:7.3f} / {med['old'][1]:7.3f}  "
                  f"reused ({args.old_points} pts) {med['new'][0]:6.3f} / {med['new'][1]:6.3f}  "
                  f"reused ({args.points} pts) {med['new100'][0]:6.3f} / {med['new100'][1]:6.3f}  "
                  f"ratio {med['old'][0] / med['new100'][0]:5.1f}x wall, "
                  f"{med['old'][1] / med['new100'][1]:5.1f}x CPU; same core columns: {same}")


if __name__ == "__main__":
    main()
