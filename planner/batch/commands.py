"""The bodies of ``planner batch`` and ``planner sweep``: call the library, report, exit code.

``planner/cli.py`` declares the options and calls these; every message goes to stderr.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from planner.cli.support import plural


def _say(line: str) -> None:
    typer.echo(line, err=True)


def batch(inputs: list[Path], out: Path, *, at: str, engine: str, address: str | None,
          workers: int | None, resume: bool, time_limit: float | None,
          force: bool = False) -> int:
    """Plan every workbook of ``inputs`` into ``out``; the batch's exit code.

    Exit code: 0 when every input was planned, else the largest of the inputs' codes
    (1 no compliant plan, 2 bad input, 3 time limit reached, 4 internal error).
    """
    from planner.batch.runner import SUMMARY_NAME, exit_code, run

    table = run(inputs, out, engine=engine, workers=workers, address=address, at=at,
                time_limit=time_limit, resume=resume, progress=True, force=force)
    skipped = table[table["status"] == "skipped"]
    failed = table[(table["exit_code"] != 0) & (table["status"] != "skipped")]
    resumed = int(table["resumed"].sum())
    text = f"planned {len(table) - len(failed) - len(skipped)} of {plural(len(table), 'workbook')}"
    if resumed:
        text += f" ({resumed} unchanged since the last run)"
    if len(failed):
        text += f"; {len(failed)} without a proven plan: " + ", ".join(failed["file"])
    if len(skipped):
        text += (f"; {len(skipped)} skipped (the time limit of {time_limit:g} s ran out): "
                 + ", ".join(skipped["file"]))
    _say(text)
    _say(f"wrote {out / SUMMARY_NAME}.xlsx and {out / SUMMARY_NAME}.csv")
    return exit_code(table)


def _spread(draws: pd.DataFrame, column: str, currency: str) -> str:
    values = pd.to_numeric(draws.loc[draws["exit_code"].isin([0, 3]), column], errors="coerce")
    values = values.dropna()
    if values.empty:
        return ""
    p5, p50, p95 = values.quantile([0.05, 0.5, 0.95])
    return f"{column.replace('_', ' ')} P5 {p5:,.0f}, median {p50:,.0f}, P95 {p95:,.0f} {currency}"


def sweep(org: Path, spec: Path, out: Path, *, draws: int, seed: int, at: str, engine: str,
          address: str | None, workers: int | None, time_limit: float | None) -> int:
    """Run a Monte Carlo sweep of ``org`` over ``spec`` into ``out``; the exit code.

    Exit code: 0 when at least one draw has a plan (draws without one are counted on
    the summary), else the largest of the draws' codes.
    """
    from planner.batch.montecarlo import monte_carlo
    from planner.batch.sweep_report import check_outputs, write_sweep

    check_outputs(out, (org, spec))
    table = monte_carlo(org, spec, draws, seed, engine=engine, workers=workers,
                        address=address, at=at, time_limit=time_limit, progress=True)
    written = write_sweep(table, out, inputs=(org, spec))
    skipped = int((table["status"] == "skipped").sum())
    planned = int((table["exit_code"].isin([0, 3]) & (table["status"] != "skipped")).sum())
    text = f"{draws} draws: {planned} planned"
    if planned + skipped < draws:
        text += f", {draws - planned - skipped} without a plan (see status and error in draws.csv)"
    if skipped:
        text += f", {skipped} skipped (the time limit of {time_limit:g} s ran out)"
    _say(text)
    for column in ("annual_cost", "savings"):
        line = _spread(table, column, table.attrs.get("currency", ""))
        if line:
            _say(line)
    _say("wrote " + ", ".join(str(p) for p in written))
    if planned:
        return 0
    return max(int(c) for c in table["exit_code"])
