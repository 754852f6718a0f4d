"""Alternatives: today's loop against the new one, in fresh processes, one run (issue 15).

``python -m benchmarks.resolve [--runs 3] [--quick]`` runs ``planner.plan(...,
alternatives=True, robustness=False)`` on the synthetic organizations of
:mod:`benchmarks.generate` (40 personas) once with the alternatives as they were before
this change (:func:`today_alternatives`, a verbatim copy of the old loop: one CBC re-solve
of the whole PuLP problem per rank, in turn) and once with
:func:`planner.model.alternatives.alternatives`, alternating, each in a fresh interpreter.
It prints, per organization, the medians of the alternatives step (wall and CPU seconds,
CBC children included) and of the whole run, the ratio, and whether the answers agree:
the same groups and ranks with the same extra cost to the cent and the same alternative,
except where today's loop met a tie (two choices of equal cost, in one row or in two
ranks), where only the order may differ and the extra costs of rank 1 must agree.
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
ORGS = [(20000, 12, "renewal", 0), (20000, 12, "renewal", 1), (20000, 12, "renewal", 2),
        (5000, 8, "now", 0), (5000, 8, "now", 1), (5000, 8, "now", 2)]
QUICK = [(2000, 6, "renewal", 0)]
PERSONAS = 40


def today_alternatives(m, base, solver, time_limit, per_group, skipped=None, progress=None):
    """The alternatives loop as it was before issue 15 (kept here as the reference)."""
    import pandas as pd
    import pulp

    from planner.model.deadline import DeadlineReached
    from planner.model.extract import chosen_bundles, unlicensed_users
    from planner.model.solver import solve
    from planner.results import ALTERNATIVE_COLUMNS

    def objective() -> float:
        return float(pulp.value(m.problem.objective) or 0.0)

    chosen = chosen_bundles(m)
    rows = []
    for gi, go in enumerate(m.options.groups):
        if progress:
            progress("alternatives", gi + 1, len(m.options.groups))
        picks = [bi for (g, bi) in chosen if g == gi]
        if not picks:
            continue
        if skipped:
            skipped.append(go.group.name)
            continue
        chosen_products = tuple(go.bundles[bi].products for bi in picks)
        forbidden = list(picks)
        saved = {bi: m.users[gi, bi].upBound for bi in range(len(go.bundles))}
        try:
            for rank in range(1, per_group + 1):
                for bi in forbidden:
                    m.users[gi, bi].upBound = 0
                try:
                    outcome = solve(m.problem, solver, time_limit)
                except DeadlineReached:
                    if skipped is None:
                        raise
                    if rank == 1:
                        skipped.append(go.group.name)
                    break
                ok = outcome.status in ("optimal", "feasible") and not unlicensed_users(m)
                if not ok:
                    if rank == 1:
                        rows.append(dict(group=go.group.name, rank=1, chosen=chosen_products, alternative=(),
                                         extra_annual_cost=None, extra_annual_cost_per_user=None,
                                         note="no other compliant choice for this group"))
                    break
                alt = [bi for (g, bi) in chosen_bundles(m) if g == gi]
                extra = objective() - base
                rows.append(dict(group=go.group.name, rank=rank, chosen=chosen_products,
                                 alternative=tuple(go.bundles[bi].products for bi in alt),
                                 extra_annual_cost=round(extra, 2),
                                 extra_annual_cost_per_user=round(extra / go.group.users,
                                                                  2) if go.group.users else None,
                                 note="whole plan re-solved with the better choices forbidden for this group"))
                forbidden += alt
        finally:
            for bi, ub in saved.items():
                m.users[gi, bi].upBound = ub
    return pd.DataFrame(rows, columns=ALTERNATIVE_COLUMNS)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def table_rows(frame) -> list[list]:
    """The answer columns of an alternatives table, JSON-ready."""
    return [[r.group, int(r.rank), [list(b) for b in r.alternative],
             None if r.extra_annual_cost is None or r.extra_annual_cost != r.extra_annual_cost
             else float(r.extra_annual_cost)] for r in frame.itertuples(index=False)]


def work(kind: str, users: int, holdings: int, at: str, seed: int, solver: str = "cbc") -> dict:
    """One plan with alternatives in this (fresh) process; the alternatives step timed apart."""
    import planner.pipeline as pipeline
    from benchmarks.generate import synthetic_org
    from planner.catalog.load import load_catalog

    org = synthetic_org(users, PERSONAS, holdings, seed)
    catalog = load_catalog()
    inner = today_alternatives if kind == "today" else pipeline.find_alternatives
    spent = {}

    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), _cpu()
        try:
            return inner(*args, **kwargs)
        finally:
            spent.update(wall=time.perf_counter() - wall, cpu=_cpu() - cpu)

    pipeline.find_alternatives = timed
    start = time.perf_counter()
    result = pipeline.plan(org, at=at, solver=solver, catalog=catalog, alternatives=True, robustness=False)
    total = time.perf_counter() - start
    return dict(alt=spent["wall"], alt_cpu=spent["cpu"], total=total, rows=table_rows(result.alternatives))


def child(kind: str, **kwargs) -> dict:
    """:func:`work` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "benchmarks.resolve", "--worker", kind, json.dumps(kwargs)],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ties(rows: list[list]) -> set[str]:
    """Groups where a row has several bundles or two ranks cost the same: tie candidates."""
    out = set()
    extras: dict[str, list] = {}
    for group, _, alt, extra in rows:
        if len(alt) > 1:
            out.add(group)
        extras.setdefault(group, []).append(extra)
    return out | {g for g, e in extras.items() if len(set(e)) < len(e)}


def same_answers(today: list[list], new: list[list]) -> tuple[bool, str]:
    """Whether the tables agree (module docstring); and a short account."""
    tied = _ties(today) | _ties(new)
    key = lambda rows: {(r[0], r[1]): r for r in rows if r[0] not in tied}  # noqa: E731
    first = lambda rows: {r[0]: r[3] for r in rows if r[1] == 1}  # noqa: E731
    plain = key(today) == key(new)
    rank1 = first(today) == first(new)
    detail = f"{len(today)} vs {len(new)} rows, {len(tied)} groups with ties"
    return plain and rank1, detail


def main(argv=None) -> int:
    """Print today's and the new alternatives' times, the ratios and whether answers agree."""
    ap = argparse.ArgumentParser(description="alternatives: today vs new (issue 15)")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per variant and organization")
    ap.add_argument("--quick", action="store_true", help="one small organization, one run")
    ap.add_argument("--solver", default="cbc")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(work(args.worker[0], **json.loads(args.worker[1]))))
        return 0
    orgs, runs = (QUICK, 1) if args.quick else (ORGS, args.runs)
    print(f"alternatives, {PERSONAS} personas, solver {args.solver}, medians of {runs} fresh processes; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| organization | rows | today alt s (CPU) | new alt s (CPU) | ratio | today plan s | new plan s | same |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    ratios, all_same = [], True
    for users, holdings, at, seed in orgs:
        spec = dict(users=users, holdings=holdings, at=at, seed=seed, solver=args.solver)
        got: dict[str, list[dict]] = {"today": [], "new": []}
        for _ in range(runs):
            for kind in ("today", "new"):
                got[kind].append(child(kind, **spec))
        med = {k: {f: statistics.median(r[f] for r in v) for f in ("alt", "alt_cpu", "total")}
               for k, v in got.items()}
        same, detail = same_answers(got["today"][0]["rows"], got["new"][0]["rows"])
        stable = all(r["rows"] == got["new"][0]["rows"] for r in got["new"])
        ratio = med["today"]["alt"] / med["new"]["alt"]
        ratios.append(ratio)
        all_same &= same and stable
        print(f"| {users:,} users, {holdings} holdings, {at}, seed {seed} | {len(got['new'][0]['rows'])} "
              f"| {med['today']['alt']:.2f} ({med['today']['alt_cpu']:.2f}) "
              f"| {med['new']['alt']:.2f} ({med['new']['alt_cpu']:.2f}) | {ratio:.1f}x "
              f"| {med['today']['total']:.2f} | {med['new']['total']:.2f} "
              f"| {'yes' if same and stable else 'no'} ({detail}) |")
    print(f"\nratio of the alternatives step: median {statistics.median(ratios):.1f}x, "
          f"lowest {min(ratios):.1f}x (target 3x)")
    print(f"same answers: {'yes' if all_same else 'no'}")
    return 0 if all_same else 1


if __name__ == "__main__":
    raise SystemExit(main())
