"""Benchmark: 8 ``planner`` runs at once (plans, templates, roles workbooks) on one machine.

``python -m benchmarks.concurrency`` starts N (default 8) copies of each command as
subprocesses of the installed console script at the same time, each writing its own
output, and then N copies writing one shared output. It checks what docs/reliability.md
promises (every run exits 0, every output is a complete workbook, the input is
byte-identical, no temporary file is left in the folder or in TMPDIR) and prints the
wall time of the batch against one run alone, with the load average. It is a
measurement, not a timed test: the fault suite checks the properties on two runs.

``--runs N`` changes the number of simultaneous runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fault_harness import digest as _digest  # noqa: E402  (the fault suite's own checks)
from fault_harness import mk, planner_exe  # noqa: E402
from fault_harness import opens_as_workbook as _complete  # noqa: E402

sys.path.pop(0)

PEOPLE = [["person", "email", "tasks", "current_roles"],
          ["Ana", "ana@contoso.com", "view_invoices, download_invoices", "Invoice Reader"],
          ["Ben", "ben@contoso.com", "view_contracts, download_software", "Administrator"]]


def _commands(kind: str, out: str) -> list[str]:
    return {"plan": ["solve", "org.xlsx", "-o", out, "--no-alternatives"],
            "template": ["template", out, "--force"],
            "roles": ["roles", "plan", "people.xlsx", "-o", out]}[kind]


def batch(folder: Path, env: dict, kind: str, outputs: list[str]) -> tuple[float, list[int]]:
    """Start one run per output at once; wall seconds and exit codes."""
    start = time.perf_counter()
    procs = [subprocess.Popen([planner_exe(), *_commands(kind, out)], cwd=folder, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for out in outputs]
    codes = []
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode:
            print(f"  {kind}: exit {proc.returncode}: {err.strip()[:200]}")
        codes.append(proc.returncode)
    return time.perf_counter() - start, codes


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per command and output mode; 1 if a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory() as base:
        folder, tmp = Path(base) / "work", Path(base) / "tmp"
        folder.mkdir()
        tmp.mkdir()
        env = {**os.environ, "TMPDIR": str(tmp), "TMP": str(tmp), "NO_COLOR": "1",
               "PLANNER_STATE_DIR": str(Path(base) / "state")}
        (folder / "org.xlsx").write_bytes(mk.xlsx())
        wb = openpyxl.Workbook()
        wb.active.title = "People"
        for row in PEOPLE:
            wb.active.append(row)
        wb.save(folder / "people.xlsx")
        inputs = {name: _digest(folder / name) for name in ("org.xlsx", "people.xlsx")}
        print(f"{args.runs} runs at once, {os.cpu_count()} cores")
        for kind in ("plan", "template", "roles"):
            alone = statistics.median(batch(folder, env, kind, [f"{kind}-alone.xlsx"])[0]
                                      for _ in range(3))
            own = [f"{kind}-{i}.xlsx" for i in range(args.runs)]
            together, codes = batch(folder, env, kind, own)
            shared, shared_codes = batch(folder, env, kind, [f"{kind}-shared.xlsx"] * args.runs)
            complete = all(_complete(folder / name) for name in own + [f"{kind}-shared.xlsx"])
            ok = complete and not any(codes) and not any(shared_codes)
            failed |= not ok
            print(f"{kind:8s} alone {alone:5.1f} s | {args.runs} own outputs {together:5.1f} s "
                  f"({together / alone:4.1f}x) | {args.runs} to one output {shared:5.1f} s | "
                  f"{'ok' if ok else 'FAILED'}  (load {os.getloadavg()[0]:.1f})")
        left = [n for n in os.listdir(folder) if n.endswith(".tmp")] + os.listdir(tmp)
        same = all(_digest(folder / n) == d for n, d in inputs.items())
        print(f"inputs unchanged: {same}; temporary files left: {left or 'none'}")
        failed |= bool(left) or not same
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
