"""The plan as CSV files, one per table, for ``planner solve -o plan.csv``.

``plan.csv`` gives ``plan-summary.csv`` (the headline amounts and planning facts),
``plan-changes.csv``, ``plan-purchases.csv``, ``plan-assignments.csv``,
``plan-alternatives.csv`` and ``plan-compliance.csv``: the tables of the plan workbook
(its Checks sheet is live formulas and has no CSV form); a ``--at timeline`` plan adds
``plan-timeline.csv`` (period x product lines) and ``plan-periods.csv`` (the periods and
their costs), the two tables of its Timeline sheet. Product lists are written as text
(``m365_e3 + copilot``). UTF-8, comma-separated, a header
row, ISO dates; each file goes through the guarded writer.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from planner.outputs import atomic_write
from planner.report.changes import changes_table
from planner.report.figures import headline_amounts
from planner.results import PERIOD_COLUMNS, TIMELINE_COLUMNS, Plan, tables_as_text

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("summary", "changes", "purchases", "assignments", "alternatives", "compliance")
"""The tables written, in this order, as ``<stem>-<table>.csv``."""
TIMELINE_TABLES = ("timeline", "periods")
"""The tables a timeline plan adds after :data:`TABLES`."""


def table_names(timeline: bool = False) -> tuple[str, ...]:
    """The tables written for a plan (``timeline``: one made with ``--at timeline``)."""
    return TABLES + TIMELINE_TABLES if timeline else TABLES


def csv_paths(out: str | os.PathLike, timeline: bool = False) -> list[Path]:
    """The files :func:`write_plan_csv` writes for ``out`` (``plan.csv``)."""
    out = Path(out)
    return [out.with_name(f"{out.stem}-{table}.csv") for table in table_names(timeline)]


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """The plan's tables by name (see :func:`table_names`)."""
    import pandas as pd

    summary = [("status", plan.status), ("planning_point", plan.at),
               ("price_list", plan.price_list), ("currency", plan.currency),
               ("gap", plan.gap), ("input", Path(plan.source_file).name if plan.source_file
                                   else "")]
    summary += [(a.key, a.value) for a in headline_amounts(plan)]
    tables = {"summary": pd.DataFrame(summary, columns=["field", "value"]),
              "changes": changes_table(plan.purchase_rows, plan.at).frame(),
              "purchases": plan.purchases, "assignments": plan.assignments,
              "alternatives": plan.alternatives, "compliance": plan.compliance}
    if plan.timeline is not None:
        tables["timeline"] = plan.timeline.lines.reindex(columns=TIMELINE_COLUMNS)
        tables["periods"] = plan.timeline.periods.reindex(columns=PERIOD_COLUMNS)
    return tables


def write_plan_csv(plan: Plan, out: str | os.PathLike, inputs=()) -> list[Path]:
    """Write each table of the plan as ``<stem>-<table>.csv`` beside ``out``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :func:`table_names`.
    """
    tables = plan_tables(plan)
    timeline = plan.timeline is not None
    written = []
    for table, path in zip(table_names(timeline), csv_paths(out, timeline), strict=True):
        written.append(atomic_write(path, _csv_writer(tables[table]), inputs, what=f"{table} table"))
    return written


def _csv_writer(frame):
    """A writer of ``frame`` as UTF-8 CSV to a temporary path (for the guarded writer)."""
    def write(tmp) -> None:
        tables_as_text(frame).to_csv(tmp, index=False, encoding="utf-8")
    return write

