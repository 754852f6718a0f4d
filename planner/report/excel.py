"""The plan workbook (PLAN.xlsx) for a finance reader, and reading it back for the audit.

Sheets, in order: Summary, Purchases, Assignments, Alternatives, Compliance. Costs that
follow from other cells are Excel formulas, so a plan edited by hand recalculates; since
openpyxl never evaluates formulas, :func:`read_plan` recomputes them when a file has no
cached values.

The sheet helpers :func:`put`, :func:`style_header`, :func:`fit_widths` and
:func:`format_table` are shared with :mod:`planner.template`.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError, Issue
from ..outputs import write_workbook
from ..results import (
    ALTERNATIVE_COLUMNS,
    ASSIGNMENT_COLUMNS,
    COMPLIANCE_COLUMNS,
    PURCHASE_COLUMNS,
    Plan,
)
from ..sheets import normalise, open_workbook, read_table
from .console import CURRENCY_SYMBOLS

SHEET_ORDER = ("Summary", "Purchases", "Assignments", "Alternatives", "Compliance")
TABLE_COLUMNS = {
    "Purchases": PURCHASE_COLUMNS,
    "Assignments": ASSIGNMENT_COLUMNS,
    "Alternatives": ALTERNATIVE_COLUMNS,
    "Compliance": COMPLIANCE_COLUMNS,
}
MONEY_COLUMNS = frozenset({
    "unit_price", "monthly_cost", "annual_cost", "annual_cost_per_user",
    "extra_annual_cost", "extra_annual_cost_per_user",
})
COUNT_COLUMNS = frozenset({"quantity", "users"})
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
TOTAL_LABEL = "TOTAL"
MAX_WIDTH = 60
MIN_WIDTH = 8
# Width given to a formula cell: its text is not what Excel shows.
FORMULA_WIDTH = 14
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
BOLD = Font(bold=True)
PASS_FONT = Font(bold=True, color="006100")
FAIL_FONT = Font(bold=True, color="9C0006")

SUMMARY_HEADER = ("field", "value")
SUMMARY_LABELS = {
    "organization": "Organization",
    "source_file": "Input file",
    "price_list": "Price list",
    "at": "Planning point",
    "currency": "Currency",
    "status": "Status",
    "proven_optimal": "Proven optimal",
    "gap": "Optimality gap",
    "solver": "Solver",
    "solve_seconds": "Solve time [s]",
    "annual_cost": "Annual cost",
    "committed_annual_cost": "of which committed",
    "baseline_annual_cost": "Baseline (renew holdings as they are)",
    "savings": "Savings",
    "note": "Note",
}
SUMMARY_KEYS = tuple(k for k in SUMMARY_LABELS if k != "note")
# Tolerance for "the plan's number is the formula's number" [currency].
CENT = 0.005


class Formula(str):
    """Text that :func:`put` writes as an Excel formula; any other ``str`` stays text."""


# ----------------------------------------------------------------------------------------
# Sheet helpers shared with planner.template
# ----------------------------------------------------------------------------------------

def put(ws: Worksheet, row: int, column: int, value: Any,
        number_format: str | None = None) -> Cell:
    """Write one cell; plain text is never interpreted as a formula.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Target sheet.
    row, column : int
        1-based cell position.
    value : Any
        A :class:`Formula` is written as a formula; NaN and ``pd.NA`` become blank;
        numpy scalars become Python numbers.
    number_format : str, optional
        Excel number format of the cell.

    Returns
    -------
    openpyxl.cell.Cell
        The written cell.
    """
    cell = ws.cell(row=row, column=column)
    cell.value = _plain(value)
    if isinstance(cell.value, str) and not isinstance(value, Formula):
        # User text such as a group named "=HYPERLINK(...)" must not become a formula.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def style_header(ws: Worksheet, comments: dict[str, str] | None = None, row: int = 1,
                 freeze: bool = True) -> None:
    """Make a header row bold and filled, optionally frozen, with a comment per column.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet whose header row to style.
    comments : dict of str to str, optional
        Header text -> explanation, attached as a cell comment.
    row : int
        The header row (1-based).
    freeze : bool
        Freeze the panes below the header so it stays visible when scrolling.
    """
    comments = comments or {}
    for cell in ws[row]:
        if cell.value is None:
            continue
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        text = comments.get(str(cell.value))
        if text:
            cell.comment = note(text)
    if freeze:
        ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate


def note(text: str) -> Comment:
    """A cell comment sized to its text.

    Parameters
    ----------
    text : str
        The explanation.

    Returns
    -------
    openpyxl.comments.Comment
        Authored by ``planner``, tall enough to show ``text`` whole.
    """
    lines = max(1, math.ceil(len(text) / 45))
    return Comment(text, "planner", height=30 + 18 * lines, width=320)


def fit_widths(ws: Worksheet, min_row: int = 1, cap: int = MAX_WIDTH) -> None:
    """Set each column's width to its longest shown content, capped.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet to fit.
    min_row : int
        First row considered (rows above, such as a free-text introduction, are ignored).
    cap : int
        Largest width [characters].
    """
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=min_row):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _shown_length(cell))
    for column, width in widths.items():
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(cap, max(MIN_WIDTH, width + 2))


def format_table(ws: Worksheet, last_row: int, comments: dict[str, str] | None = None) -> None:
    """Style a table that starts at A1: header, frozen panes, autofilter, fitted widths.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet holding the table.
    last_row : int
        Last row of the table body; rows below (a TOTAL row) stay out of the filter so
        sorting never moves them. The table ends at the first blank header cell.
    comments : dict of str to str, optional
        Header text -> explanation (see :func:`style_header`).
    """
    style_header(ws, comments)
    width = next((c.column - 1 for c in ws[1] if c.value is None), ws.max_column)
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, width))}{max(1, last_row)}"
    fit_widths(ws)
    print_on_one_page_wide(ws)
    ws.print_area = f"A1:{get_column_letter(max(1, width))}{ws.max_row}"


def print_on_one_page_wide(ws: Worksheet) -> None:
    """Landscape, all columns on one page width, header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def currency_format(currency: str) -> str:
    """Excel number format for amounts in ``currency`` (a symbol for USD, EUR and GBP).

    Parameters
    ----------
    currency : str
        ISO currency code (any case).

    Returns
    -------
    str
        Two decimals with thousands separators, prefixed by the symbol or code.

    Examples
    --------
    >>> currency_format("EUR")
    '"€"#,##0.00'
    >>> currency_format("CHF")
    '"CHF" #,##0.00'
    """
    code = str(currency or "").replace('"', "").strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f'"{symbol}"#,##0.00'
    return f'"{code}" #,##0.00' if code else "#,##0.00"


def _plain(value: Any) -> Any:
    """A value openpyxl can store: Python scalars, None for missing."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return value
    return None if missing is True else value


def _shown_length(cell: Cell) -> int:
    value = cell.value
    if isinstance(value, str) and cell.data_type == "f":
        return FORMULA_WIDTH
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 4
    if hasattr(value, "isoformat"):
        return len(DATE_FORMAT)
    return max(len(line) for line in str(value).splitlines() or [""])


# ----------------------------------------------------------------------------------------
# Writing the plan
# ----------------------------------------------------------------------------------------

def write_plan(plan: Plan, out_path: str | os.PathLike,
               inputs: tuple[str | os.PathLike, ...] = ()) -> Path:
    """Write the plan workbook for a finance reader, whole or not at all.

    Parameters
    ----------
    plan : planner.results.Plan
        The plan to render.
    out_path : str or os.PathLike
        Where to write the .xlsx; an existing file is replaced whole.
    inputs : tuple of path-like
        Input files the output must never overwrite (e.g. the organization workbook).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    planner.errors.InputError
        When ``out_path`` is one of ``inputs`` or its folder does not exist.
    """
    return write_workbook(build_plan_workbook(plan), out_path, inputs=inputs, what="plan")


def build_plan_workbook(plan: Plan) -> Workbook:
    """The plan as an in-memory openpyxl workbook (see :func:`write_plan`).

    Parameters
    ----------
    plan : planner.results.Plan
        The plan to render.

    Returns
    -------
    openpyxl.Workbook
        Sheets Summary, Purchases, Assignments, Alternatives, Compliance.
    """
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    money = currency_format(plan.currency)
    total_ref, total = _write_purchases(wb.create_sheet("Purchases"), plan.purchases, money)
    for title, frame in (("Assignments", plan.assignments),
                         ("Alternatives", plan.alternatives)):
        ws = wb.create_sheet(title)
        format_table(ws, _write_frame(ws, frame, TABLE_COLUMNS[title], money))
    _write_compliance(wb.create_sheet("Compliance"), plan.compliance)
    _write_summary(summary, plan, money, total_ref, total)
    return wb


def _write_frame(ws: Worksheet, frame: pd.DataFrame, columns: list[str], money: str) -> int:
    """Header and rows of ``frame`` in ``columns`` order; returns the last row written."""
    for col, name in enumerate(columns, start=1):
        put(ws, 1, col, name)
    body = frame.reindex(columns=columns)
    for row, record in enumerate(body.itertuples(index=False), start=2):
        for col, (name, value) in enumerate(zip(columns, record), start=1):
            put(ws, row, col, value, _column_format(name, money))
    return len(body) + 1


def _column_format(name: str, money: str) -> str | None:
    if name in MONEY_COLUMNS:
        return money
    return COUNT_FORMAT if name in COUNT_COLUMNS else None


def _letter(name: str) -> str:
    """Column letter of a Purchases column."""
    return get_column_letter(PURCHASE_COLUMNS.index(name) + 1)


def _write_purchases(ws: Worksheet, frame: pd.DataFrame, money: str) -> tuple[str, float]:
    """Purchases with cost formulas, a TOTAL row, a by-product block and its chart.

    Returns the absolute reference of the annual TOTAL cell and the total's value.
    """
    last = _write_frame(ws, frame, PURCHASE_COLUMNS, money)
    annual = [_write_cost_formulas(ws, row) for row in range(2, last + 1)]
    total_row = last + 1
    put(ws, total_row, 1, TOTAL_LABEL).font = BOLD
    for name in ("monthly_cost", "annual_cost"):
        col = _letter(name)
        cell = put(ws, total_row, PURCHASE_COLUMNS.index(name) + 1,
                   Formula(f"=SUM({col}2:{col}{max(2, last)})"), money)
        cell.font = BOLD
    _write_cost_by_product(ws, last, money)
    format_table(ws, last)
    return f"${_letter('annual_cost')}${total_row}", float(sum(annual))


def _write_cost_formulas(ws: Worksheet, row: int) -> float:
    """Replace a row's monthly and annual costs by formulas when they agree with them.

    A cost the formula would not reproduce (e.g. a subscription that ends within the
    year is paid for fewer than 12 months) is kept as the plan's value, with a comment.
    Returns the row's annual cost (0 when unknown).
    """
    q, p, m, a = (_number(ws[f"{_letter(n)}{row}"].value)
                  for n in ("quantity", "unit_price", "monthly_cost", "annual_cost"))
    if not math.isnan(q * p) and (math.isnan(m) or abs(m - q * p) <= CENT):
        ws[f"{_letter('monthly_cost')}{row}"].value = Formula(
            f"={_letter('quantity')}{row}*{_letter('unit_price')}{row}")
        m = q * p
    annual_cell = ws[f"{_letter('annual_cost')}{row}"]
    if not math.isnan(m) and (math.isnan(a) or abs(a - 12 * m) <= CENT):
        annual_cell.value = Formula(f"={_letter('monthly_cost')}{row}*12")
        return 12 * m
    if not math.isnan(a):
        annual_cell.comment = note(
            "Value from the plan, not monthly cost x 12 (e.g. paid for part of the year).")
    return 0.0 if math.isnan(a) else a


def _write_cost_by_product(ws: Worksheet, last: int, money: str) -> None:
    """A SUMIF block of annual cost per product, right of the table, and its bar chart."""
    products = list(dict.fromkeys(
        ws[f"{_letter('product')}{row}"].value for row in range(2, last + 1)))
    products = [p for p in products if p is not None]
    if not products:
        return
    first_col = len(PURCHASE_COLUMNS) + 2
    put(ws, 1, first_col, "by product")
    put(ws, 1, first_col + 1, "product annual cost")
    key, amount = _letter("product"), _letter("annual_cost")
    for row, product in enumerate(products, start=2):
        put(ws, row, first_col, product)
        label = get_column_letter(first_col)
        put(ws, row, first_col + 1, Formula(
            f"=SUMIF(${key}$2:${key}${last},{label}{row},${amount}$2:${amount}${last})"), money)
    ws.add_chart(_bar_chart(ws, first_col, len(products), money),
                 f"{get_column_letter(first_col + 3)}2")


def _bar_chart(ws: Worksheet, first_col: int, count: int, money: str) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Annual cost by product"
    chart.legend = None
    chart.y_axis.numFmt = money
    chart.y_axis.title = "annual cost"
    chart.add_data(Reference(ws, min_col=first_col + 1, min_row=1, max_row=count + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=first_col, min_row=2, max_row=count + 1))
    chart.height = max(7.5, 0.8 * count + 3)
    chart.width = 18
    return chart


def _write_compliance(ws: Worksheet, frame: pd.DataFrame) -> None:
    """The audit's checks with ``passed`` shown as PASS / FAIL."""
    shown = frame.reindex(columns=COMPLIANCE_COLUMNS).copy()
    shown["passed"] = shown["passed"].map(_pass_fail)
    last = _write_frame(ws, shown, COMPLIANCE_COLUMNS, money="")
    column = COMPLIANCE_COLUMNS.index("passed") + 1
    for row in range(2, last + 1):
        cell = ws.cell(row=row, column=column)
        cell.font = PASS_FONT if cell.value == "PASS" else FAIL_FONT
    format_table(ws, last)


def _pass_fail(value: Any) -> str | None:
    if _plain(value) is None:
        return None
    if isinstance(value, str):
        return "PASS" if value.strip().upper() in {"PASS", "TRUE", "Y", "YES"} else "FAIL"
    return "PASS" if bool(value) else "FAIL"


SUMMARY_VALUE_WIDTH = 50


def _write_summary(ws: Worksheet, plan: Plan, money: str, total_ref: str,
                   total: float) -> None:
    """Field/value rows; annual cost and savings are formulas over the Purchases total."""
    for col, name in enumerate(SUMMARY_HEADER, start=1):
        put(ws, 1, col, name)
    row_of = {key: row for row, key in enumerate(SUMMARY_KEYS, start=2)}
    values = _summary_values(plan, total_ref, row_of)
    formats = {"gap": "0.00%", "solve_seconds": "0.0"}
    for key, row in row_of.items():
        put(ws, row, 1, SUMMARY_LABELS[key])
        fmt = money if key in {"annual_cost", "committed_annual_cost",
                               "baseline_annual_cost", "savings"} else formats.get(key)
        put(ws, row, 2, values[key], fmt)
    for key in ("annual_cost", "savings"):
        ws.cell(row=row_of[key], column=1).font = BOLD
        ws.cell(row=row_of[key], column=2).font = BOLD
    notes = list(plan.messages)
    if abs(total - plan.annual_cost) > 0.01:
        notes.append(f"The Purchases total ({total:,.2f}) differs from the solver's annual "
                     f"cost ({plan.annual_cost:,.2f}); the Summary shows the Purchases total.")
    for row, text in enumerate(notes, start=len(row_of) + 2):
        put(ws, row, 1, SUMMARY_LABELS["note"])
        put(ws, row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 15 * max(1, math.ceil(len(str(text)) / SUMMARY_VALUE_WIDTH))
    style_header(ws)
    fit_widths(ws, cap=SUMMARY_VALUE_WIDTH)  # long notes wrap within this width
    print_on_one_page_wide(ws)


def _summary_values(plan: Plan, total_ref: str, row_of: dict[str, int]) -> dict[str, Any]:
    base, annual = row_of["baseline_annual_cost"], row_of["annual_cost"]
    return {
        "organization": plan.organization,
        "source_file": Path(plan.source_file).name if plan.source_file else "",
        "price_list": plan.price_list,
        "at": plan.at,
        "currency": plan.currency,
        "status": plan.status,
        "proven_optimal": "yes" if plan.proven_optimal else "no",
        "gap": "n/a" if plan.gap is None else plan.gap,
        "solver": plan.solver,
        "solve_seconds": plan.solve_seconds,
        "annual_cost": Formula(f"=Purchases!{total_ref}"),
        "committed_annual_cost": plan.committed_annual_cost,
        "baseline_annual_cost": plan.baseline_annual_cost,
        "savings": Formula(f"=B{base}-B{annual}"),
    }


# ----------------------------------------------------------------------------------------
# Reading a plan back
# ----------------------------------------------------------------------------------------

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


def read_plan(path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Read a plan workbook back as values, including one edited by hand.

    Formula cells without a cached value (files written by openpyxl and never opened in
    Excel) are recomputed: ``monthly_cost = quantity * unit_price``, ``annual_cost =
    monthly_cost * 12``, Summary annual cost = sum of the Purchases annual costs and
    savings = baseline - annual cost.

    Parameters
    ----------
    path : str or os.PathLike
        The plan workbook.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``Summary`` (columns ``field``, ``value``; ``field`` holds the :class:`Plan`
        attribute name, e.g. ``annual_cost``, or ``note``), and ``Purchases``,
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
            lambda v: _pass_fail(v) == "PASS")
    return {"Summary": summary, **tables}


def _read_sheet(wb, file: str, title: str, issues: list[Issue]) -> pd.DataFrame:
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
    numbers = pd.to_numeric(values, errors="coerce")
    for row in values.index[values.notna() & numbers.isna()]:
        issues.append(table.issue(f"'{values[row]}' is not a number", row, column))
    return numbers.astype(float)


def _read_summary(wb, file: str, issues: list[Issue]) -> pd.DataFrame:
    table = read_table(wb, file, "summary", list(SUMMARY_HEADER), [], issues)
    keys = {normalise(label): key for key, label in SUMMARY_LABELS.items()}
    records = [] if table is None else [
        (keys.get(normalise(r["field"]), r["field"]), r["value"])
        for _, r in table.rows if r["field"] is not None]
    return pd.DataFrame(records, columns=list(SUMMARY_HEADER))


def _fill_costs(purchases: pd.DataFrame) -> None:
    """Recompute the formula columns where no cached value was stored."""
    monthly = purchases["quantity"] * purchases["unit_price"]
    purchases["monthly_cost"] = purchases["monthly_cost"].fillna(monthly)
    purchases["annual_cost"] = purchases["annual_cost"].fillna(purchases["monthly_cost"] * 12)


def _fill_summary(summary: pd.DataFrame, purchases: pd.DataFrame) -> None:
    """Recompute the Summary's formula values where no cached value was stored."""
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


def _number(value: Any) -> float:
    """``value`` as a float, NaN when it is blank or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
