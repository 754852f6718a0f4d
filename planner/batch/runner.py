"""``planner batch``: plan many organization workbooks on an engine, with a summary.

For each input the caller writes, into the output folder, the plan workbook
(``<name>-plan.xlsx``, as ``planner solve`` writes it) and the JSON result
(``<name>-plan.json``: the ``planner solve --json`` object, plus ``input_file`` and the
summary columns it lacks); then ``batch-summary.xlsx`` and ``batch-summary.csv`` with
one row per input (:data:`SUMMARY_COLUMNS`). A workbook that cannot be planned gets a
row saying why and never stops the others.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from dataclasses import replace
from typing import Any

import pandas as pd

from planner.errors import InputError, Issue
from planner.model.deadline import Deadline
from planner.batch.engines import Engine, WorkerLost, chunked, make_engine
from planner.batch.fields import PLAN_FIELDS, RUN_COLUMNS, cell, failure_values, lost_values, skipped_values
from planner.batch.progress import Reporter
from planner.batch.sources import Source, check_outputs, find_sources
from planner.batch.worker import PlanSettings, WorkbookJob, WorkbookOutcome, plan_workbooks
from planner.batch.writers import write_bytes, write_json, write_table

SUMMARY_NAME = "batch-summary"
"""Stem of the summary files in the output folder (``.xlsx`` and ``.csv``)."""

SUMMARY_COLUMNS = (["file"] + [f.column for f in PLAN_FIELDS] + list(RUN_COLUMNS)
                   + ["plan_file", "result_file", "resumed"])
"""Columns of the batch summary: the input (relative to the folder it was found in), the
plan's fields (:data:`planner.batch.fields.PLAN_FIELDS`), the run's columns, the outputs
(relative to the output folder) and whether the row was read back by ``--resume``."""

SUMMARY_COMMENTS = {f.column: f.description for f in PLAN_FIELDS} | {
    "file": "the input workbook",
    "exit_code": "what 'planner solve' would exit with: 0 planned, 1 no compliant plan, "
                 "2 bad input, 3 time limit reached, 4 internal error",
    "seconds": "wall time of reading, planning and rendering this input [s]",
    "error": "why this input has no plan: the line(s) 'planner solve' prints",
    "notes": "the plan's notes (the Organization sheet's notes, solver notes, warnings)",
    "resumed": "read back from an earlier run by --resume (the input is older than its result)",
}


def _resumed(source: Source, out: Path) -> dict[str, Any] | None:
    """The summary row of an input whose result exists and is newer than it, else None."""
    result, plan = source.result_path(out), source.plan_path(out)
    try:
        if not (result.is_file() and plan.is_file()) or \
                result.stat().st_mtime_ns <= source.path.stat().st_mtime_ns:
            return None
        payload = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(payload, dict) or "status" not in payload:
        return None
    row = {c: cell(payload.get(c)) for c in SUMMARY_COLUMNS}
    row.update(file=source.name, plan_file=plan.relative_to(out).as_posix(),
               result_file=result.relative_to(out).as_posix(), resumed=True)
    return row


def _store(source: Source, outcome: WorkbookOutcome, out: Path | None) -> dict[str, Any]:
    """The summary row of a planned input, after writing its plan and JSON result."""
    row = {c: None for c in SUMMARY_COLUMNS} | outcome.values
    row.update(file=source.name, resumed=False)
    if out is None or outcome.plan is None:
        return row
    plan, result = source.plan_path(out), source.result_path(out)
    try:
        plan.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(outcome.plan, plan, inputs=(source.path,))
        payload = dict(outcome.result or {}, plan_file=str(plan), input_file=str(source.path))
        write_json(payload, result, inputs=(source.path,))  # last: it marks the input done
    except Exception as exc:  # noqa: BLE001  (a full disk fails this input, not the batch)
        row.update(failure_values(exc))
        return row
    row.update(plan_file=plan.relative_to(out).as_posix(),
               result_file=result.relative_to(out).as_posix())
    return row


def _line(row: dict[str, Any]) -> tuple[str, bool]:
    """The progress text of a finished row, and whether it is a problem."""
    if row["error"]:
        return f"{row['file']}: {row['status']}: {row['error']}", True
    cost = row.get("annual_cost")
    amount = f", annual cost {cost:,.2f} {row.get('currency') or ''}".rstrip() \
        if isinstance(cost, (int, float)) else ""
    seconds = f" ({row['seconds']:.1f} s)" if isinstance(row.get("seconds"), (int, float)) else ""
    return f"{row['file']}: {row['status']}{amount}{seconds}", row["exit_code"] not in (0, None)


class _Jobs:
    """Turns a chunk of sources into jobs when it is sent (reading each file then).

    Each job gets what is left of the run's ``deadline`` as its time limit; once it is
    spent, the chunk's sources are recorded in ``skipped`` and sent empty (the worker
    fails them at once and the caller reports them as skipped).
    """

    def __init__(self, settings: PlanSettings, deadline: Deadline):
        self.settings = settings
        self.deadline = deadline
        self.unreadable: dict[Path, Exception] = {}
        self.skipped: set[Path] = set()

    def __call__(self, chunk: list[Source]) -> list[WorkbookJob]:
        jobs = []
        spent = self.deadline.expired()
        settings = replace(self.settings, time_limit=self.deadline.remaining())
        for source in chunk:
            data = b""  # the worker reports what the CLI would: an empty file
            if spent:
                self.skipped.add(source.path)
            else:
                try:
                    data = source.path.read_bytes()
                except OSError as exc:
                    self.unreadable[source.path] = exc
            jobs.append(WorkbookJob(source.path.name, data,
                                    Path(source.plan_path(Path("."))).name, settings))
        return jobs


def run(paths: Iterable[str | os.PathLike], out: str | os.PathLike | None = None, *,
        engine: str | Engine = "local", workers: int | None = None, address: str | None = None,
        at: str = "now", solver: str | None = None, time_limit: float | None = None,
        alternatives: bool | None = None, resume: bool = False, progress: bool = False,
        chunk_size: int | None = None, force: bool = False) -> pd.DataFrame:
    """Plan every organization workbook in ``paths``: one summary row per workbook.

    Parameters
    ----------
    paths : list of path-like
        Workbooks and folders (searched as :mod:`planner.batch.sources` describes).
    out : path-like, optional
        Output folder (created if needed) for each plan workbook and JSON result and the
        summary files; without it nothing is written and only the table is returned.
    engine : {"local", "ray", "serial"} or Engine
        Where to plan (:mod:`planner.batch.engines`); the results do not depend on it.
    workers : int, optional
        Worker processes (local) or CPUs of a local Ray instance; default: the cores.
    address : str, optional
        Ray cluster address (``engine="ray"`` only).
    at, solver, time_limit, alternatives
        As for :func:`planner.plan`. ``time_limit`` [s] covers the whole run: each
        workbook gets what is left of it when its chunk is sent to a worker; once it is
        spent the workbooks not yet sent are not planned (status ``skipped``, exit
        code 3); the rows finished before are kept and written.
    resume : bool
        Skip inputs whose JSON result in ``out`` exists and is newer than the input;
        their rows are read back from it.
    progress : bool
        Report progress on stderr (a bar on a terminal, one line per input otherwise).
    chunk_size : int, optional
        Workbooks per task (default: :func:`planner.batch.engines.chunked`'s).
    force : bool
        Replace outputs in ``out`` that planner did not write last or that were edited
        since (without it the run stops before planning and names them, as every
        command does; see :mod:`planner.provenance`).

    Returns
    -------
    pandas.DataFrame
        :data:`SUMMARY_COLUMNS`, one row per input in the order found.

    Raises
    ------
    InputError
        A path that does not exist, outputs that would overwrite an input or collide,
        outputs to be kept (see ``force``),
        ``resume`` without ``out``, an unknown engine, or Ray not available. Problems of
        one workbook are never raised: they are its row.

    Examples
    --------
    >>> from planner.batch import run
    >>> from planner.examples import example_path
    >>> table = run([example_path("tiny")], engine="serial")
    >>> table[["file", "status", "exit_code"]].values.tolist()
    [['tiny.xlsx', 'optimal', 0]]
    """
    sources = find_sources(paths, out)
    out_dir = Path(out) if out is not None else None
    if resume and out_dir is None:
        raise InputError(Issue("--resume reads the results of an earlier run; give --out"))
    if out_dir is not None:
        check_outputs(sources, out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any] | None] = [None] * len(sources)
    if resume and out_dir is not None:  # --resume without --out is refused above
        rows = [_resumed(s, out_dir) for s in sources]
    todo = [i for i, row in enumerate(rows) if row is None]
    if out_dir is not None and not force:
        _check_replaceable([p for i in todo for p in (sources[i].plan_path(out_dir),
                                                      sources[i].result_path(out_dir))]
                           + [out_dir / f"{SUMMARY_NAME}.{ext}" for ext in ("csv", "xlsx")])
    settings = PlanSettings(at=at, solver=solver, time_limit=time_limit,
                            alternatives=alternatives)
    jobs = _Jobs(settings, Deadline(time_limit))
    with Reporter(len(sources), "planning", show=progress) as bar:
        if len(todo) < len(sources):
            bar.advance(len(sources) - len(todo), f"{len(sources) - len(todo)} planned "
                        "before and unchanged (--resume)")
        if todo:
            with make_engine(engine, workers, address) as eng:
                chunks = chunked(todo, eng.workers, chunk_size)
                for index, outcomes in eng.map(plan_workbooks, [[sources[i] for i in c]
                                                                for c in chunks], jobs):
                    if isinstance(outcomes, WorkerLost):
                        outcomes = [WorkbookOutcome(lost_values(outcomes.message()))
                                    for _ in chunks[index]]
                    for i, outcome in zip(chunks[index], outcomes):
                        if sources[i].path in jobs.skipped:
                            outcome = WorkbookOutcome(skipped_values(float(time_limit or 0)))
                        elif sources[i].path in jobs.unreadable:
                            outcome = WorkbookOutcome(failure_values(
                                jobs.unreadable[sources[i].path]))
                        rows[i] = _store(sources[i], outcome, out_dir)
                        bar.advance(1, *_line(rows[i]))
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    if out_dir is not None:
        write_table(table, out_dir / f"{SUMMARY_NAME}.csv", out_dir / f"{SUMMARY_NAME}.xlsx",
                    "Summary", SUMMARY_COMMENTS, inputs=[s.path for s in sources])
    return table


def _check_replaceable(targets: list[Path]) -> None:
    """Raise, naming each, when outputs planner may not replace exist (see --force)."""
    from planner.provenance import replace_refusal

    issues = [i for i in (replace_refusal(t, "choose another folder with --out") for t in targets)
              if i is not None]
    if issues:
        raise InputError(issues)


def exit_code(table: pd.DataFrame) -> int:
    """The exit code of a batch: 0 when every input was planned, else the largest of
    the inputs' exit codes (1 no compliant plan, 2 bad input, 3 time limit, 4 bug)."""
    codes = [int(c) for c in table["exit_code"].dropna()]
    return max(codes, default=0)
