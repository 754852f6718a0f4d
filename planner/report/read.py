"""Reading a plan workbook back as tables (for ``planner audit`` and notebooks).

Plans store values, so they read as written, also after a hand edit. A blank cost cell
(a plan from an older version of planner, whose cost cells were formulas without
computed values, or a value deleted by hand) is recomputed: ``monthly_cost = quantity *
unit_price``, ``annual_cost = monthly_cost * 12``, Summary annual cost = sum of the
Purchases annual costs and savings = baseline - annual cost.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InputError, Issue
from planner.results import ALTERNATIVE_COLUMNS, ASSIGNMENT_COLUMNS, COMPLIANCE_COLUMNS, \
    PURCHASE_COLUMNS
from planner.input.sheets import normalise, open_workbook, read_table
from planner.table import scalar
from planner.report.summary import SUMMARY_HEADER, SUMMARY_LABELS

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS = {
    "Purchases": PURCHASE_COLUMNS,
    "Assignments": ASSIGNMENT_COLUMNS,
    "Alternatives": ALTERNATIVE_COLUMNS,
    "Compliance": COMPLIANCE_COLUMNS,
}
TOTAL_LABEL = "TOTAL"
NUMERIC_COLUMNS = {
    "Purchases": ("quantity", "unit_price", "monthly_cost", "annual_cost"),
    "Assignments": ("users", "annual_cost_per_user"),
    "Alternatives": ("extra_annual_cost", "extra_annual_cost_per_user"),
    "Compliance": (),
}
REQUIRED_COLUMNS = {
    "Purchases": ["action", "product", "quantity", "unit_price"],
    "Assignments": ["group", "users", "products"],
    "Alternatives": ["group"],
    "Compliance": ["check", "passed"],
}
OPTIONAL_SHEETS = frozenset({"Alternatives", "Compliance"})


def pass_fail(value: Any) -> str | None:
    """``PASS`` or ``FAIL`` for a compliance flag (bool or text); None when blank."""
    if scalar(value) is None:
        return None
    if isinstance(value, str):
        return "PASS" if value.strip().upper() in {"PASS", "TRUE", "Y", "YES"} else "FAIL"
    return "PASS" if bool(value) else "FAIL"


def read_plan(path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Read a plan workbook back as values, including one edited by hand.

    Parameters
    ----------
    path : str or os.PathLike
        The plan workbook.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``Summary`` (columns ``field``, ``value``; ``field`` holds the key, e.g.
        ``annual_cost``, ``savings`` or ``extra_cost``, or ``note``), and ``Purchases``,
        ``Assignments``, ``Alternatives``, ``Compliance`` with the columns of
        :mod:`planner.results`, indexed by Excel row number, without the TOTAL row.
        ``passed`` is boolean.

    Raises
    ------
    planner.errors.InputError
        When the file is not a readable workbook, a required sheet or column is missing,
        or a number cell holds text; every problem is listed with sheet, row and column.
    """
    wb = open_workbook(path)
    name = Path(path).name
    issues: list[Issue] = []
    tables = {title: _read_sheet(wb, name, title, issues) for title in TABLE_COLUMNS}
    summary = _read_summary(wb, name, issues)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise InputError(errors)
    _fill_costs(tables["Purchases"])
    _fill_summary(summary, tables["Purchases"])
    if "passed" in tables["Compliance"]:
        tables["Compliance"]["passed"] = tables["Compliance"]["passed"].map(
            lambda v: pass_fail(v) == "PASS")
    return {"Summary": summary, **tables}


def _read_sheet(wb, file: str, title: str, issues: list[Issue]) -> pd.DataFrame:
    import pandas as pd

    columns = TABLE_COLUMNS[title]
    required = REQUIRED_COLUMNS[title]
    optional = [c for c in columns if c not in required]
    table = read_table(wb, file, normalise(title), required, optional, issues,
                       must_exist=title not in OPTIONAL_SHEETS)
    rows = [] if table is None else [
        (row, record) for row, record in table.rows
        if str(record.get(columns[0]) or "").strip().upper() != TOTAL_LABEL]
    frame = pd.DataFrame([record for _, record in rows], columns=columns,
                         index=pd.Index([row for row, _ in rows], name="row"))
    for column in NUMERIC_COLUMNS[title]:
        frame[column] = _to_numbers(frame[column], table, column, issues)
    return frame


def _to_numbers(values: pd.Series, table, column: str, issues: list[Issue]) -> pd.Series:
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce")
    for row in values.index[values.notna() & numbers.isna()]:
        issues.append(table.issue(f"'{values[row]}' is not a number", row, column))
    return numbers.astype(float)


def _read_summary(wb, file: str, issues: list[Issue]) -> pd.DataFrame:
    import pandas as pd

    table = read_table(wb, file, "summary", list(SUMMARY_HEADER), [], issues)
    keys = {normalise(label): key for key, label in SUMMARY_LABELS.items()}
    records = [] if table is None else [
        (keys.get(normalise(r["field"]), r["field"]), r["value"])
        for _, r in table.rows if r["field"] is not None]
    return pd.DataFrame(records, columns=list(SUMMARY_HEADER))


def _fill_costs(purchases: pd.DataFrame) -> None:
    """Recompute the cost columns where a cell is blank."""
    monthly = purchases["quantity"] * purchases["unit_price"]
    purchases["monthly_cost"] = purchases["monthly_cost"].fillna(monthly)
    purchases["annual_cost"] = purchases["annual_cost"].fillna(purchases["monthly_cost"] * 12)


def _fill_summary(summary: pd.DataFrame, purchases: pd.DataFrame) -> None:
    """Recompute the Summary's annual cost and savings where the cell is blank."""
    def value(key: str) -> Any:
        found = summary.loc[summary["field"] == key, "value"]
        return found.iloc[0] if len(found) else None

    def fill(key: str, computed: float) -> None:
        if value(key) is None:
            summary.loc[summary["field"] == key, "value"] = computed

    fill("annual_cost", float(purchases["annual_cost"].sum()))
    baseline, annual = value("baseline_annual_cost"), value("annual_cost")
    if isinstance(baseline, (int, float)) and isinstance(annual, (int, float)):
        fill("savings", float(baseline) - float(annual))
        fill("extra_cost", float(annual) - float(baseline))
