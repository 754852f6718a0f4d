"""Benchmarks and scale checks of the planner, in one command.

``python -m benchmarks.run`` (full, ~10 minutes on 2 cores) or ``python -m benchmarks.run --quick``
(correctness smoke for CI, well under a minute; no timing targets checked). Prints, for
each size, the median option-enumeration, model-build and solve times, peak memory, and
the targets of issue 6 with their measured figures:

1. a seed scenario end to end (``planner solve``, cold process) vs a process that only
   reads its workbook and writes a plan workbook of the same size: ratio < 1.5;
2. 250,000 users in 2,000 personas with 20 holdings: options + build + solve < 5 s,
   peak memory < 1 GiB, proven optimal;
3. 10x users at fixed personas: time ratio < 1.2;
4. the per-user formulation (one binary per user and product) at 10,000 users: >= 50x
   slower, same optimum (where it finishes);
5. never costlier than the per-persona greedy heuristic; strictly cheaper cases listed;
6. HiGHS vs CBC side by side.

Every timing runs in a fresh child process (``--worker``) so peak memory is the child's
own ``ru_maxrss`` and no cache survives between runs. The machine is shared: medians of
several runs and ratios are what to read.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PLANNER = Path(PY).with_name("planner")
SEED_SCENARIO = ROOT / "scenarios" / "contoso.xlsx"
GIB = 1024 ** 3


# ----------------------------------------------------------------------------- workers

def _rss() -> int:
    """Peak resident memory of this process [bytes]."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu() -> float:
    """CPU seconds of this process and its finished children (CBC runs as a child)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def work_model(users: int, personas: int, holdings: int, seed: int, solver: str, at: str) -> dict:
    """Options, build and solve of one synthetic org in this (fresh) process."""
    from benchmarks.generate import synthetic_org
    from planner.catalog.load import load_catalog
    from planner.model.program import build_model
    from planner.model.options import enumerate_options
    from planner.catalog.pricing import Pricing
    from planner.model.solver import solve_model

    catalog = load_catalog()
    inputs = synthetic_org(users, personas, holdings, seed)
    t0, c0 = time.perf_counter(), _cpu()
    pricing = Pricing.for_plan(inputs, catalog, at)
    options = enumerate_options(inputs, catalog, pricing)
    t1, c1 = time.perf_counter(), _cpu()
    m = build_model(inputs, options, pricing, catalog)
    t2, c2 = time.perf_counter(), _cpu()
    outcome = solve_model(m, solver)
    t3, c3 = time.perf_counter(), _cpu()
    return dict(options=t1 - t0, build=t2 - t1, solve=t3 - t2, total=t3 - t0,
                cpu=dict(options=c1 - c0, build=c2 - c1, solve=c3 - c2, total=c3 - c0), status=outcome.status,
                solver=outcome.solver, objective=m.objective_value(),
                bundles=sum(len(g.bundles) for g in options.groups), variables=len(m.matrix.col_names),
                constraints=len(m.matrix.row_names), rss=_rss())


def work_pipeline(users: int, personas: int, holdings: int, seed: int, solver: str, at: str) -> dict:
    """``planner.plan`` end to end (options, build, solve, extract, audit; no alternatives)."""
    from benchmarks.generate import synthetic_org
    from planner.pipeline import plan

    inputs = synthetic_org(users, personas, holdings, seed)
    t0 = time.perf_counter()
    result = plan(inputs, at=at, solver=solver, alternatives=False)
    return dict(total=time.perf_counter() - t0, status=result.status, annual_cost=result.annual_cost, rss=_rss())


def work_per_user(users: int, personas: int, holdings: int, seed: int, solver: str, at: str,
                  time_limit: float | None = None) -> dict:
    """The per-user formulation of one synthetic org."""
    from benchmarks.generate import synthetic_org
    from benchmarks.per_user import solve_per_user
    from planner.catalog.load import load_catalog

    r = solve_per_user(synthetic_org(users, personas, holdings, seed), load_catalog(), at, solver, time_limit)
    return dict(status=r.status, objective=r.objective, variables=r.variables, constraints=r.constraints,
                build=r.build_seconds, solve=r.solve_seconds, total=r.build_seconds + r.solve_seconds, rss=_rss())


def work_io_only(org: str, plan_pickle: str, out: str) -> dict:
    """Read the workbook and write a plan workbook: the floor of a ``planner solve`` process."""
    from planner.report.excel import write_plan
    from planner.input.validate import read_org

    read_org(org)
    with open(plan_pickle, "rb") as fh:
        plan = pickle.load(fh)
    write_plan(plan, out)
    return dict(rss=_rss())


def work_floor(org: str, cells: str, out: str) -> dict:
    """The floor of any ``planner solve`` process: bare openpyxl reads every cell of the
    workbook and writes a workbook of the plan's cells (values only; no planner import)."""
    import openpyxl

    book = openpyxl.load_workbook(org, read_only=True, data_only=True)
    for sheet in book.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    with open(cells, encoding="utf-8") as fh:
        sheets = json.load(fh)
    plan = openpyxl.Workbook()
    plan.remove(plan.active)
    for title, rows in sheets.items():
        sheet = plan.create_sheet(title)
        for row in rows:
            sheet.append(row)
    plan.save(out)
    return dict(rss=_rss())


def plan_cells(path: Path, out: Path) -> None:
    """The values of every sheet of a plan workbook as JSON (what the floor process writes)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = {s.title: [[v if isinstance(v, (int, float, str, type(None))) else str(v) for v in row]
                        for row in s.iter_rows(values_only=True)] for s in book.worksheets}
    out.write_text(json.dumps(sheets), encoding="utf-8")


WORKERS = {"model": work_model, "pipeline": work_pipeline, "per_user": work_per_user, "io_only": work_io_only,
           "floor": work_floor}


def child(kind: str, timeout: float | None = None, **kwargs) -> dict:
    """Run one worker in a fresh interpreter; its wall time includes nothing but the work."""
    cmd = [PY, "-m", "benchmarks.run", "--worker", kind, json.dumps(kwargs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return dict(status="timeout", total=timeout)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"worker {kind} {kwargs} failed:\n{exc.stderr[-3000:]}") from None
    return json.loads(out.stdout.strip().splitlines()[-1])


def repeat(n: int, kind: str, **kwargs) -> list[dict]:
    return [child(kind, **kwargs) for _ in range(n)]


def med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


# ----------------------------------------------------------------------------- report

class Report:
    """Collects lines (markdown) and target verdicts; prints as it goes."""

    def __init__(self):
        self.lines: list[str] = []
        self.targets: list[tuple[str, str, str, bool | None]] = []

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list]) -> None:
        self.say("| " + " | ".join(header) + " |")
        self.say("|" + "---|" * len(header))
        for r in rows:
            self.say("| " + " | ".join(str(c) for c in r) + " |")
        self.say()

    def target(self, name: str, goal: str, measured: str, met: bool | None) -> None:
        self.targets.append((name, goal, measured, met))


def _s(x: float) -> str:
    return f"{x:.3f}"


def _mib(b: float) -> str:
    return f"{b / 2**20:.0f}"


# ----------------------------------------------------------------------------- sections

def section_sizes(rep: Report, sizes, runs: int) -> dict:
    rep.say("## Model size and time (median of %d fresh processes, %s, at=now)" % (runs, _default_solver().upper()))
    rep.say()
    rows, out = [], {}
    for users, personas, holdings in sizes:
        rs = repeat(runs, "model", users=users, personas=personas, holdings=holdings, seed=1,
                    solver=_default_solver(), at="now")
        out[users, personas, holdings] = rs
        r0 = rs[0]
        rows.append([f"{users:,}", f"{personas:,}", holdings, r0["bundles"], r0["variables"], r0["constraints"],
                     _s(med(rs, "options")), _s(med(rs, "build")), _s(med(rs, "solve")), _s(med(rs, "total")),
                     _mib(max(r["rss"] for r in rs)), r0["status"]])
    rep.table(["users", "personas", "holdings", "bundles", "variables", "constraints", "options s",
               "build s", "solve s", "options+build+solve s", "peak MiB", "status"], rows)
    return out


def section_target_scale(rep: Report, runs: int, users: int, personas: int, holdings: int, quick: bool) -> None:
    rs = repeat(runs, "model", users=users, personas=personas, holdings=holdings, seed=1,
                solver=_default_solver(), at="now")
    total, rss = med(rs, "total"), max(r["rss"] for r in rs)
    status = {r["status"] for r in rs}
    rep.say(f"## {users:,} users, {personas:,} personas, {holdings} holdings")
    rep.say()
    rep.table(["options s", "build s", "solve s", "options+build+solve s", "CPU s", "peak MiB", "status"],
              [[_s(med(rs, "options")), _s(med(rs, "build")), _s(med(rs, "solve")), _s(total),
                _s(statistics.median(r["cpu"]["total"] for r in rs)), _mib(rss), "/".join(sorted(status))]])
    pipe = repeat(max(1, runs // 2), "pipeline", users=users, personas=personas, holdings=holdings, seed=1,
                  solver=_default_solver(), at="now")
    rep.say(f"`planner.plan` end to end (options, build, solve, extract, audit; alternatives skipped): "
            f"median {_s(med(pipe, 'total'))} s, peak {_mib(max(r['rss'] for r in pipe))} MiB.")
    rep.say()
    if not quick:
        rep.target("250k users / 2,000 personas: build + solve", "< 5 s", f"{total:.2f} s", total < 5)
        rep.target("250k users / 2,000 personas: peak memory", "< 1 GiB", f"{rss / 2**20:.0f} MiB", rss < GIB)
        rep.target("250k users / 2,000 personas: proven optimal", "optimal", "/".join(sorted(status)),
                   status == {"optimal"})


def section_user_scaling(rep: Report, runs: int, base: int, personas: int, holdings: int, quick: bool) -> None:
    rep.say(f"## Users at fixed personas ({personas:,} personas, {holdings} holdings)")
    rep.say()
    rows, totals = [], {}
    for users in (base, 10 * base):
        rs = repeat(runs, "model", users=users, personas=personas, holdings=holdings, seed=1,
                    solver=_default_solver(), at="now")
        totals[users] = med(rs, "total")
        rows.append([f"{users:,}", rs[0]["bundles"], _s(med(rs, "options")), _s(med(rs, "build")),
                     _s(med(rs, "solve")), _s(totals[users])])
    rep.table(["users", "bundles", "options s", "build s", "solve s", "total s"], rows)
    ratio = totals[10 * base] / totals[base]
    rep.say(f"Time ratio 10x users / 1x users: **{ratio:.2f}**")
    rep.say()
    if not quick:
        rep.target(f"10x users at fixed personas ({base:,} -> {10 * base:,} users, {personas:,} personas)",
                   "< 1.2x time", f"{ratio:.2f}x", ratio < 1.2)


def section_per_user(rep: Report, users: int, personas: int, holdings: int, seeds, time_limit: float,
                     exact: list[tuple[int, int, int]], quick: bool) -> list[str]:
    """Speed at ``users`` (with a time limit) and same optimum where the per-user model finishes."""
    problems = []
    rep.say("## Per-user formulation (one binary per user and product)")
    rep.say()
    rows = []
    for (u, p, h) in exact:
        for seed in seeds:
            agg = child("model", users=u, personas=p, holdings=h, seed=seed, solver=_default_solver(), at="now")
            pu = child("per_user", users=u, personas=p, holdings=h, seed=seed, solver=_pulp_solver(), at="now")
            same = (pu["status"] == "optimal"
                    and abs(pu["objective"] - agg["objective"]) <= 1e-6 * max(1, agg["objective"]))
            if not same:
                problems.append(f"per-user optimum differs at {u} users seed {seed}: "
                                f"{pu['objective']} vs {agg['objective']}")
            per_user = f"{pu['objective']:,.2f}" if pu["objective"] is not None else "-"
            rows.append([f"{u:,}", p, h, seed, f"{agg['objective']:,.2f}", per_user,
                         pu["status"], "yes" if same else "NO", _s(agg["total"]), _s(pu["total"]),
                         f"{pu['total'] / agg['total']:.0f}x"])
    rep.table(["users", "personas", "holdings", "seed", "aggregated optimum", "per-user optimum", "per-user status",
               "same", "aggregated s", "per-user s", "ratio"], rows)
    if users:
        agg = child("model", users=users, personas=personas, holdings=holdings, seed=seeds[0],
                    solver=_default_solver(), at="now")
        pu = child("per_user", users=users, personas=personas, holdings=holdings, seed=seeds[0],
                   solver=_pulp_solver(), at="now", time_limit=time_limit,
                   timeout=time_limit * 3 + 600)
        ratio = pu["total"] / agg["total"]
        finished = pu["status"] == "optimal"
        same = finished and abs(pu["objective"] - agg["objective"]) <= 1e-6 * agg["objective"]
        obj = f"{pu['objective']:,.2f}" if pu.get("objective") is not None else "-"
        rep.say(f"At {users:,} users / {personas} personas / {holdings} holdings (seed {seeds[0]}): aggregated "
                f"{_s(agg['total'])} s ({agg['variables']:,} variables), optimum {agg['objective']:,.2f}; per-user "
                f"{_s(pu['total'])} s ({pu.get('variables', 0):,} user-product variables, build "
                f"{_s(pu.get('build', 0))} s, status {pu['status']} with the {time_limit:.0f} s time limit), "
                f"objective {obj}. Ratio **{ratio:.0f}x**"
                f"{'' if finished else ' (a lower bound: per-user did not finish)'}.")
        rep.say()
        if not quick:
            rep.target(f"per-user formulation at {users:,} users", ">= 50x slower, same optimum",
                       f"{ratio:.0f}x{'' if finished else '+ (time limit)'}; same optimum: "
                       + ("yes" if same else f"not proven at {users:,} (see the exact-optimum table)"),
                       ratio >= 50 and (same or not finished))
    return problems


def section_greedy(rep: Report, configs, seeds, quick: bool) -> list[str]:
    from benchmarks.generate import synthetic_org
    from benchmarks.greedy import greedy_plan
    from planner.catalog.load import load_catalog
    from planner.pipeline import plan

    catalog = load_catalog()
    problems, rows = [], []
    counts = dict(runs=0, cheaper=0, equal=0, noncompliant=0, costlier=0)
    rep.say("## Optimizer vs per-persona greedy")
    rep.say()
    for users, personas, holdings in configs:
        for seed in seeds:
            for at in ("now", "renewal"):
                org = synthetic_org(users, personas, holdings, seed)
                best = plan(org, at=at, alternatives=False)  # audited inside plan()
                opt = best.annual_cost - best.committed_annual_cost
                g = greedy_plan(org, catalog, at)
                counts["runs"] += 1
                if g.status != "compliant":
                    counts["noncompliant"] += 1
                    verdict = f"greedy non-compliant ({', '.join(g.broken) or g.status})"
                elif opt < g.objective - 0.01:
                    counts["cheaper"] += 1
                    verdict = f"optimizer cheaper by {g.objective - opt:,.2f} ({(g.objective - opt) / g.objective:.1%})"
                elif opt <= g.objective + 0.01:
                    counts["equal"] += 1
                    verdict = "equal"
                else:
                    counts["costlier"] += 1
                    verdict = "OPTIMIZER COSTLIER"
                    problems.append(f"optimizer costlier than greedy: {users} {personas} {holdings} seed {seed} {at}")
                rows.append([f"{users:,}", personas, holdings, seed, at, f"{opt:,.2f}",
                             f"{g.objective:,.2f}" if g.objective is not None else "-", verdict])
    rep.table(["users", "personas", "holdings", "seed", "at", "optimizer (avoidable annual)",
               "greedy", "verdict"], rows)
    rep.say(f"{counts['runs']} cases: optimizer strictly cheaper in {counts['cheaper']}, equal in {counts['equal']}, "
            f"greedy non-compliant in {counts['noncompliant']}, optimizer costlier in {counts['costlier']}.")
    rep.say()
    if not quick:
        rep.target("never costlier than greedy", "0 costlier cases",
                   f"{counts['costlier']} costlier of {counts['runs']}; strictly cheaper {counts['cheaper']}, "
                   f"equal {counts['equal']}, greedy non-compliant {counts['noncompliant']}", counts["costlier"] == 0)
    return problems


def section_personas(rep: Report, personas_list, users_per_persona: int, holdings: int, solver: str,
                     runs: int, plot: Path | None) -> None:
    """Time vs personas at a fixed headcount per persona, with the log-log growth exponent."""
    import math

    rep.say(f"## Time vs personas ({users_per_persona} users a persona, {holdings} holdings, {solver.upper()}, "
            f"median of {runs})")
    rep.say()
    rows, xs, ys = [], [], []
    for personas in personas_list:
        users = personas * users_per_persona
        rs = repeat(runs, "model", users=users, personas=personas, holdings=holdings, seed=1, solver=solver, at="now")
        total = med(rs, "total")
        xs.append(personas)
        ys.append(total)
        rows.append([f"{personas:,}", f"{users:,}", rs[0]["bundles"], _s(med(rs, "options")), _s(med(rs, "build")),
                     _s(med(rs, "solve")), _s(total), _s(statistics.median(r["cpu"]["total"] for r in rs)),
                     _mib(max(r["rss"] for r in rs)), rs[0]["status"]])
    rep.table(["personas", "users", "bundles", "options s", "build s", "solve s", "total s", "CPU s", "peak MiB",
               "status"], rows)
    if len(xs) >= 2:
        lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-6)) for y in ys]
        mx, my = statistics.fmean(lx), statistics.fmean(ly)
        slope = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)
        rep.say(f"Growth exponent (least squares of log time on log personas): **{slope:.2f}**.")
        rep.say()
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.loglog(xs, ys, "o-")
        ax.set_xlabel("personas")
        ax.set_ylabel("options + build + solve [s]")
        ax.set_title(f"{users_per_persona} users a persona, {solver.upper()}")
        ax.grid(True, which="both", alpha=0.3)
        fig.tight_layout()
        fig.savefig(plot)
        rep.say(f"Plot: `{plot}`")
        rep.say()


def section_solvers(rep: Report, sizes, runs: int, quick: bool) -> list[str]:
    rep.say("## HiGHS vs CBC (solve time only, median of %d fresh processes)" % runs)
    rep.say()
    problems, rows, wins, worst = [], [], {"highs": 0, "cbc": 0}, 0.0
    total = {"highs": 0.0, "cbc": 0.0}
    cases = [(size, at) for size in sizes for at in ("now", "renewal")]
    for (users, personas, holdings), at in cases:
        res = {}
        for solver in ("highs", "cbc"):
            rs = repeat(runs, "model", users=users, personas=personas, holdings=holdings, seed=1,
                        solver=solver, at=at)
            res[solver] = (med(rs, "solve"), rs[0]["objective"], rs[0]["status"], rs[0]["solver"],
                           statistics.median(r["cpu"]["solve"] for r in rs))
            total[solver] += res[solver][0]
        same = abs(res["highs"][1] - res["cbc"][1]) <= 1e-6 * max(1.0, res["highs"][1])
        if not same:
            problems.append(f"HiGHS and CBC optima differ at {users}/{personas}/{holdings} {at}")
        faster = min(res, key=lambda s: res[s][0])
        wins[faster] += 1
        ratio = res["highs"][0] / min(res["highs"][0], res["cbc"][0])
        worst = max(worst, ratio)
        rows.append([f"{users:,}", personas, holdings, at, _s(res["highs"][0]), _s(res["cbc"][0]),
                     f"{res['cbc'][0] / res['highs'][0]:.1f}", _s(res["highs"][4]), _s(res["cbc"][4]),
                     "yes" if same else "NO", f"{res['highs'][2]}/{res['cbc'][2]}"])
    rep.table(["users", "personas", "holdings", "at", "HiGHS solve s", "CBC solve s", "CBC/HiGHS", "HiGHS CPU s",
               "CBC CPU s", "same optimum", "status"], rows)
    rep.say(f"HiGHS faster in {wins['highs']} of {len(cases)} cases; summed solve time HiGHS {total['highs']:.2f} s, "
            f"CBC {total['cbc']:.2f} s.")
    rep.say()
    if not quick:
        from planner.model.solver import DEFAULT_SOLVER

        other = "cbc" if DEFAULT_SOLVER == "highs" else "highs"
        rep.target("HiGHS vs CBC; default = the faster", f"default ({DEFAULT_SOLVER}) is the faster",
                   f"{DEFAULT_SOLVER} faster in {wins[DEFAULT_SOLVER]}/{len(cases)}; total "
                   f"{total[DEFAULT_SOLVER]:.2f} s vs {total[other]:.2f} s",
                   wins[DEFAULT_SOLVER] >= wins[other])
        rep.target("HiGHS within 2x of the faster solver, every size", "< 2x", f"at most {worst:.2f}x", worst < 2)
    return problems


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _default_solver() -> str:
    from planner.model.solver import DEFAULT_SOLVER

    return DEFAULT_SOLVER


def _pulp_solver() -> str:
    """The default of a PuLP problem (the per-user formulation is one)."""
    from planner.model.solver import PULP_DEFAULT_SOLVER

    return PULP_DEFAULT_SOLVER


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children, CBC included) of ``cmd``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_utime + usage.ru_stime


def _compile_bytecode() -> None:
    """Byte-compile the planner and the benchmark workers, as an install or a first run does.

    With PYTHONDONTWRITEBYTECODE set (as on CI and agent machines) an editable install
    has no bytecode, and every planner process would compile its ~100 modules from
    source (about 0.25 CPU s) while the floor, importing only installed packages, would
    not: the two would not be compared alike.
    """
    import compileall

    for folder in ("planner", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def section_cli(rep: Report, runs: int, quick: bool) -> None:
    """``planner solve`` (cold process) vs a process that only reads and writes the workbooks."""
    rep.say("## End to end: `planner solve` on a seed scenario (cold process)")
    rep.say()
    _compile_bytecode()
    cli = [str(PLANNER)] if PLANNER.exists() else [PY, "-m", "planner.cli.commands"]
    worker = [PY, "-m", "benchmarks.run", "--worker"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plan.xlsx"
        cmd = cli + ["solve", str(SEED_SCENARIO), "-o", str(out), "--json"]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        sys.path.insert(0, str(ROOT))
        import planner

        pickle_path = Path(tmp) / "plan.pkl"
        with open(pickle_path, "wb") as fh:
            pickle.dump(planner.solve(SEED_SCENARIO), fh)
        cells = Path(tmp) / "cells.json"
        plan_cells(out, cells)
        processes = {
            "solve": cmd,
            "io": worker + ["io_only", json.dumps(dict(org=str(SEED_SCENARIO), plan_pickle=str(pickle_path),
                                                       out=str(Path(tmp) / "io.xlsx")))],
            "floor": worker + ["floor", json.dumps(dict(org=str(SEED_SCENARIO), cells=str(cells),
                                                        out=str(Path(tmp) / "floor.xlsx")))],
        }
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in processes}
        for _ in range(runs):  # interleaved, so background load hits all alike
            for name, command in processes.items():
                times[name].append(_timed(command))
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    s, i, f = wall["solve"], wall["io"], wall["floor"]
    labels = {"solve": f"`planner solve {SEED_SCENARIO.name} -o PLAN.xlsx --json`",
              "io": "read_org + write_plan only (same plan, pickled)",
              "floor": "bare openpyxl: read every cell, write the plan's cells"}
    rep.table(["process", "median wall s", "median CPU s", "wall / floor", "CPU / floor"],
              [[labels[k], _s(wall[k]), _s(cpu[k]), f"{wall[k] / f:.2f}", f"{cpu[k] / cpu['floor']:.2f}"]
               for k in processes])
    rep.say(f"Ratio to read_org + write_plan **{s / i:.2f}**; to the bare openpyxl floor **{s / f:.2f}** "
            f"wall, **{cpu['solve'] / cpu['floor']:.2f}** CPU (median of {runs} interleaved runs, "
            f"load average {os.getloadavg()[0]:.1f}; bytecode compiled first).")
    rep.say()
    if not quick:
        rep.target(f"`planner solve` {SEED_SCENARIO.name} cold vs read+write only", "< 1.5x",
                   f"{s / i:.2f}x", s / i < 1.5)
        rep.target(f"`planner solve` {SEED_SCENARIO.name} cold vs bare openpyxl floor", "< 2x",
                   f"{s / f:.2f}x", s / f < 2)


def check_generator(rep: Report) -> list[str]:
    """The generated organization survives a round trip through ORG.xlsx and validation."""
    from benchmarks.generate import synthetic_org, write_org_xlsx
    from planner.input.validate import read_org

    problems = []
    for seed in (0, 1):
        org = synthetic_org(5000, 40, 12, seed)
        if org != synthetic_org(5000, 40, 12, seed):
            problems.append("generator is not reproducible")
        if sum(g.users for g in org.groups) != 5000:
            problems.append("generator headcount does not add up")
        with tempfile.TemporaryDirectory() as tmp:
            back = read_org(write_org_xlsx(org, Path(tmp) / "org.xlsx"))
        key = lambda g: (g.name, g.users, g.worker, g.devices_per_user, g.primary_device, tuple(g.needs))  # noqa: E731
        if [key(g) for g in back.groups] != [key(g) for g in org.groups]:
            problems.append("generated groups change through the workbook")
        hkey = lambda h: (h.product, h.quantity, h.group or None, h.sa, h.ends, h.paid_up)  # noqa: E731
        if [hkey(h) for h in back.holdings] != [hkey(h) for h in org.holdings]:
            problems.append("generated holdings change through the workbook")
    rep.say("Generator: reproducible, headcounts add up, round trip through ORG.xlsx and validation: "
            + ("ok" if not problems else "; ".join(problems)))
    rep.say()
    return problems


# ----------------------------------------------------------------------------- main

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import highspy  # noqa: F401
    import pulp

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; PuLP {pulp.__version__}; "
            f"highspy {_version('highspy')}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="planner benchmarks (issue 6)")
    ap.add_argument("--quick", action="store_true", help="small correctness smoke (CI); no timing targets")
    ap.add_argument("--runs", type=int, default=None, help="fresh processes per timing (default 5; quick 1)")
    ap.add_argument("--markdown", type=Path, help="also write the report as markdown here")
    ap.add_argument("--only", help="comma-separated sections of the full run: cli, sizes, scale, users, "
                    "per_user, greedy, solvers, personas (default: all but personas)")
    ap.add_argument("--personas", default="100,500,2000,10000,50000",
                    help="persona counts of the personas section (50 users a persona)")
    ap.add_argument("--plot", type=Path, help="write the personas section's plot here (PNG)")
    ap.add_argument("--solver", default=None, help="solver of the personas section (default: the default)")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        kind, kwargs = args.worker
        print(json.dumps(WORKERS[kind](**json.loads(kwargs))))
        return 0
    quick = args.quick
    runs = args.runs or (1 if quick else 5)
    rep = Report()
    started = time.perf_counter()
    rep.say(f"# planner benchmarks ({'quick' if quick else 'full'})")
    rep.say()
    rep.say(f"Machine: {machine()}")
    rep.say()
    rep.say(f"Command: `python -m benchmarks.run{' --quick' if quick else ''}"
            f"{f' --runs {args.runs}' if args.runs else ''}`")
    rep.say()
    problems = check_generator(rep)
    if quick:
        section_sizes(rep, [(1_000, 20, 4), (5_000, 50, 12)], runs)
        problems += section_per_user(rep, 0, 0, 0, [0, 1], 0, [(120, 6, 4), (150, 6, 10)], quick)
        problems += section_greedy(rep, [(2_000, 20, 4), (2_000, 20, 10)], [0, 1], quick)
        problems += section_solvers(rep, [(2_000, 20, 10)], runs, quick)
    else:
        only = set(args.only.split(",")) if args.only else {"cli", "sizes", "scale", "users", "per_user", "greedy",
                                                             "solvers"}
        if "cli" in only:
            section_cli(rep, runs, quick)
        if "sizes" in only:
            section_sizes(rep, [(1_000, 20, 4), (10_000, 50, 10), (50_000, 200, 12), (100_000, 500, 16),
                                (250_000, 2_000, 20)], runs)
        if "scale" in only:
            section_target_scale(rep, runs, 250_000, 2_000, 20, quick)
        if "users" in only:
            section_user_scaling(rep, runs, 25_000, 500, 20, quick)
            section_user_scaling(rep, 1, 25_000, 2_000, 20, quick)  # 12 users a persona: slow to prove
        if "per_user" in only:
            problems += section_per_user(rep, 10_000, 50, 4, [0, 1, 2], 120.0,
                                         [(300, 10, 4), (300, 10, 8)], quick)
        if "greedy" in only:
            problems += section_greedy(rep, [(2_000, 30, 4), (2_000, 30, 10), (20_000, 100, 20)], [0, 1, 2, 3],
                                       quick)
        if "solvers" in only:
            problems += section_solvers(rep, [(1_000, 20, 4), (10_000, 50, 10), (100_000, 500, 16),
                                              (250_000, 2_000, 20), (2_500_000, 50_000, 20)], runs, quick)
        if "personas" in only:
            section_personas(rep, [int(p) for p in args.personas.split(",")], 50, 20,
                             args.solver or _default_solver(), runs, args.plot)
    if rep.targets:
        rep.say("## Targets")
        rep.say()
        rep.table(["target", "goal", "measured", "met"],
                  [[n, g, m, {True: "yes", False: "**no**", None: "-"}[ok]] for n, g, m, ok in rep.targets])
    rep.say(f"Correctness checks: {'all passed' if not problems else 'FAILED: ' + '; '.join(problems)}")
    rep.say(f"Benchmark wall time: {time.perf_counter() - started:.0f} s")
    if args.markdown:
        args.markdown.write_text("\n".join(rep.lines) + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
