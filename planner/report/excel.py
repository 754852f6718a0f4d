"""The plan workbook (PLAN.xlsx): a document a finance or procurement reader can act on.

Sheets, in order: Summary (what was planned, with which catalog, tool and price list,
and the amounts), Changes (per product: held -> planned -> renew / add / do not
renew), Purchases (every line with its unit, monthly and annual cost), Cost by product
(a chart on its own printed page), Assignments, Alternatives, Compliance, Checks, and a
copy of the input sheets (Organization, Groups, Holdings, Prices) so the file stands
alone. Every sheet has a print setup (one page wide, header repeated) and long text
wraps.

Why values, not formulas: openpyxl cannot store the computed value of a formula, and a
formula without one reads as blank (NaN) in pandas, file previewers, mail clients and
any tool that does not calculate. So every figure is written as a value, and the
arithmetic lives as live formulas on the Checks sheet (:mod:`planner.report.checks`),
which recomputes each figure from the cells it follows from and flags what differs;
an edit in Excel or LibreOffice shows there at once. The alternatives were weaker:
injecting cached values into the saved XML depends on openpyxl's output format, and a
values-only mirror sheet would leave the sheets people open first reading as blank.
"""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from planner.outputs import write_workbook
from planner.results import (
    ALTERNATIVE_COLUMNS,
    ASSIGNMENT_COLUMNS,
    COMPLIANCE_COLUMNS,
    PURCHASE_COLUMNS,
    Plan,
    tables_as_text,
)
from planner.report.changes import CHANGE_COLUMNS, changes_table
from planner.report.chart import write_cost_chart
from planner.report.checks import PlanCells, months_covered, plan_checks, write_checks
from planner.report.layout import BOLD, COUNT_FORMAT, currency_format, format_table, note, put
from planner.report.read import TOTAL_LABEL, pass_fail, read_plan
from planner.report.summary import write_summary
from planner.table import Table

__all__ = ["SHEET_ORDER", "build_plan_workbook", "read_plan", "write_plan"]

SHEET_ORDER = ("Summary", "Changes", "Purchases", "Cost by product", "Assignments",
               "Alternatives", "Compliance", "Checks")
"""The plan's own sheets; the copied input sheets follow them."""
MONEY_COLUMNS = frozenset({
    "unit_price", "monthly_cost", "annual_cost", "annual_cost_per_user",
    "extra_annual_cost", "extra_annual_cost_per_user",
})
COUNT_COLUMNS = frozenset({"quantity", "users", "held", "planned", "renew", "add",
                           "do_not_renew"})
# Columns of long text, wrapped.
TEXT_COLUMNS = {
    "Changes": ("product_name", "change"),
    "Purchases": ("product_name", "note"),
    "Assignments": ("products", "why"),
    "Alternatives": ("chosen", "alternative", "note"),
    "Compliance": ("scope", "detail"),
}
CHANGE_COMMENTS = {
    "held": "Units the organization holds today (Holdings sheet).",
    "planned": "Units the plan uses: kept plus bought, trued up or stepped up.",
    "change": "What to order: renew (keep, for a plan made now) N, add M, do not renew K.",
    "renew": "Held units kept (renewed at renewal; kept while running for a plan made now).",
    "add": "Units to buy, true up or step up beyond those held.",
    "do_not_renew": "Held units the plan does not need: let them lapse at their end date.",
    "annual_cost": "Annual cost of the product's Purchases rows.",
}
PASS_FONT = Font(bold=True, color="006100")
FAIL_FONT = Font(bold=True, color="9C0006")
PART_YEAR = "Value from the plan, not monthly cost x 12 (e.g. paid for part of the year)."


def write_plan(plan: Plan, out_path: str | os.PathLike,
               inputs: tuple[str | os.PathLike, ...] = (), org=None) -> Path:
    """Write the plan workbook, whole or not at all.

    Parameters
    ----------
    plan : planner.results.Plan
        The plan to render.
    out_path : str or os.PathLike
        Where to write the .xlsx; an existing file is replaced whole.
    inputs : tuple of path-like
        Input files the output must never overwrite; the first .xlsx among them is the
        organization workbook, read (read-only) for the planning dates and the input
        sheets when ``org`` is not given.
    org : planner.input.organization.OrgInputs, optional
        The organization the plan was made from (what :func:`planner.read_org` gave).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    planner.errors.InputError
        When ``out_path`` is one of ``inputs`` or its folder does not exist.
    """
    if org is None:
        org = _organization_from(inputs)
    return write_workbook(build_plan_workbook(plan, org), out_path, inputs=inputs, what="plan")


def _organization_from(inputs):
    """The validated organization of the first existing .xlsx input, or None."""
    from planner.input.validate import read_org

    for path in inputs:
        if path and Path(path).suffix.lower() == ".xlsx" and Path(path).is_file():
            return read_org(path)
    return None


def build_plan_workbook(plan: Plan, org=None) -> Workbook:
    """The plan as an in-memory openpyxl workbook (see :func:`write_plan`).

    Parameters
    ----------
    plan : planner.results.Plan
        The plan to render.
    org : planner.input.organization.OrgInputs, optional
        The organization: planning dates and exchange rate on the Summary, and its
        input sheets copied after the plan's sheets.

    Returns
    -------
    openpyxl.Workbook
        The sheets of :data:`SHEET_ORDER`, then Organization, Groups, Holdings, Prices
        when ``org`` is given.
    """
    from planner.input.template import write_input_sheets

    wb = Workbook()
    sheets = {title: wb.create_sheet(title) for title in SHEET_ORDER}
    wb.remove(wb.active)
    money = currency_format(plan.currency)
    changes = changes_table(plan.purchase_rows, plan.at)
    cells = PlanCells()
    cells.changes_rows = _write_changes(sheets["Changes"], changes, money)
    cells.purchases_rows, cells.purchases_total_row = _write_purchases(
        sheets["Purchases"], plan.purchase_rows, money)
    write_cost_chart(sheets["Cost by product"], changes, money)
    cells.chart_rows = {ws_row[1].value: ws_row[1].row
                        for ws_row in sheets["Cost by product"].iter_rows(min_row=2, max_col=3)
                        if ws_row[1].value is not None}
    for title, table, columns in (("Assignments", plan.assignment_rows, ASSIGNMENT_COLUMNS),
                                  ("Alternatives", plan.alternative_rows, ALTERNATIVE_COLUMNS)):
        ws = sheets[title]
        format_table(ws, _write_table(ws, table, columns, money), text_columns=TEXT_COLUMNS[title])
    _write_compliance(sheets["Compliance"], plan.compliance_rows)
    copied = tuple(ws.title for ws in write_input_sheets(wb, org)) if org is not None else ()
    for title in copied:
        wb[title].sheet_properties.tabColor = "808080"
    cells.summary_rows = write_summary(sheets["Summary"], plan, money, org, copied)
    write_checks(sheets["Checks"], plan_checks(cells))
    if plan.timeline is not None:
        from planner.report.timeline_sheet import write_timeline  # pandas: timelines only

        write_timeline(wb.create_sheet("Timeline", index=1), plan.timeline, money)
    wb.active = 0
    return wb


def _write_table(ws: Worksheet, table: Table, columns: list[str], money: str) -> int:
    """Header and rows of ``table`` in ``columns`` order; returns the last row written."""
    for col, name in enumerate(columns, start=1):
        put(ws, 1, col, name)
    body = tables_as_text(table.select(columns))
    for row, record in enumerate(body.rows, start=2):
        for col, (name, value) in enumerate(zip(columns, record), start=1):
            put(ws, row, col, value, _column_format(name, money))
    return len(body) + 1


def _column_format(name: str, money: str) -> str | None:
    if name in MONEY_COLUMNS:
        return money
    return COUNT_FORMAT if name in COUNT_COLUMNS else None


def _write_total(ws: Worksheet, row: int, columns: list[str], totals: dict[str, float],
                 money: str) -> None:
    """A bold TOTAL row holding the sums of some money columns."""
    put(ws, row, 1, TOTAL_LABEL).font = BOLD
    for name, value in totals.items():
        put(ws, row, columns.index(name) + 1, value, money).font = BOLD


def _write_purchases(ws: Worksheet, table: Table,
                     money: str) -> tuple[dict[int, float], int]:
    """Purchases with a TOTAL row; returns {Excel row: months paid} and the TOTAL row."""
    last = _write_table(ws, table, PURCHASE_COLUMNS, money)
    months = dict(zip(range(2, last + 1), months_covered(table)))
    annual_col = PURCHASE_COLUMNS.index("annual_cost") + 1
    for row, paid in months.items():
        if paid != 12:
            ws.cell(row=row, column=annual_col).comment = note(PART_YEAR)
    total_row = last + 1
    _write_total(ws, total_row, PURCHASE_COLUMNS,
                 {name: table.total(name) for name in ("monthly_cost", "annual_cost")}, money)
    format_table(ws, last, text_columns=TEXT_COLUMNS["Purchases"])
    return months, total_row


def _write_changes(ws: Worksheet, changes: Table, money: str) -> dict[str, int]:
    """The Changes table with a TOTAL annual cost; returns product -> Excel row."""
    last = _write_table(ws, changes, CHANGE_COLUMNS, money)
    _write_total(ws, last + 1, CHANGE_COLUMNS, {"annual_cost": changes.total("annual_cost")}, money)
    format_table(ws, last, CHANGE_COMMENTS, text_columns=TEXT_COLUMNS["Changes"])
    return {product: row for row, product in enumerate(changes.column("product"), start=2)}


def _write_compliance(ws: Worksheet, table: Table) -> None:
    """The audit's checks with ``passed`` shown as PASS / FAIL."""
    shown = table.select(COMPLIANCE_COLUMNS)
    shown = shown.with_columns(passed=[pass_fail(p) for p in shown.column("passed")])
    last = _write_table(ws, shown, COMPLIANCE_COLUMNS, money="")
    column = COMPLIANCE_COLUMNS.index("passed") + 1
    for row in range(2, last + 1):
        cell = ws.cell(row=row, column=column)
        cell.font = PASS_FONT if cell.value == "PASS" else FAIL_FONT
    format_table(ws, last, text_columns=TEXT_COLUMNS["Compliance"])
