"""The plan as CSV files, one per table, for ``planner solve -o plan.csv``.

``plan.csv`` gives ``plan-summary.csv`` (the headline amounts and planning facts),
``plan-changes.csv``, ``plan-purchases.csv``, ``plan-assignments.csv``,
``plan-alternatives.csv`` and ``plan-compliance.csv``: the tables of the plan workbook
(its Checks sheet is live formulas and has no CSV form). UTF-8, comma-separated, a header
row, ISO dates; each file goes through the guarded writer.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from planner.outputs import atomic_write
from planner.report.changes import changes_table
from planner.report.figures import headline_amounts
from planner.results import Plan

TABLES = ("summary", "changes", "purchases", "assignments", "alternatives", "compliance")
"""The tables written, in this order, as ``<stem>-<table>.csv``."""


def csv_paths(out: str | os.PathLike) -> list[Path]:
    """The files :func:`write_plan_csv` writes for ``out`` (``plan.csv``)."""
    out = Path(out)
    return [out.with_name(f"{out.stem}-{table}.csv") for table in TABLES]


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """The plan's tables by name (see :data:`TABLES`)."""
    summary = [("status", plan.status), ("planning_point", plan.at),
               ("price_list", plan.price_list), ("currency", plan.currency),
               ("gap", plan.gap), ("input", Path(plan.source_file).name if plan.source_file
                                   else "")]
    summary += [(a.key, a.value) for a in headline_amounts(plan)]
    return {"summary": pd.DataFrame(summary, columns=["field", "value"]),
            "changes": changes_table(plan.purchases, plan.at),
            "purchases": plan.purchases, "assignments": plan.assignments,
            "alternatives": plan.alternatives, "compliance": plan.compliance}


def write_plan_csv(plan: Plan, out: str | os.PathLike, inputs=()) -> list[Path]:
    """Write each table of the plan as ``<stem>-<table>.csv`` beside ``out``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`TABLES`.
    """
    tables = plan_tables(plan)
    written = []
    for table, path in zip(TABLES, csv_paths(out), strict=True):
        written.append(atomic_write(path, _csv_writer(tables[table]), inputs, what=f"{table} table"))
    return written


def _csv_writer(frame):
    """A writer of ``frame`` as UTF-8 CSV to a temporary path (for the guarded writer)."""
    def write(tmp) -> None:
        frame.to_csv(tmp, index=False, encoding="utf-8")
    return write

