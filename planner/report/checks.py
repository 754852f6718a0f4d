"""The plan's "Checks" sheet: the workbook's arithmetic as live Excel formulas.

Every other sheet of the plan holds values (so pandas, previewers and any tool read the
numbers); this sheet recomputes them with formulas that refer to those cells, and says
``ok`` or ``differs`` per check. Edit a quantity or a price on Purchases in Excel or
LibreOffice and the Checks sheet shows the recomputed cost and flags every figure that
no longer adds up. Files written by openpyxl carry no computed values for formulas, so
this sheet is the one that reads as blank to tools that do not calculate.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.results import PURCHASE_COLUMNS
from planner.report.changes import ADDING_ACTIONS, CHANGE_COLUMNS, KEEPING_ACTIONS, LAPSING_ACTIONS
from planner.report.layout import Formula, format_table, put
from planner.table import Table

CHECK_COLUMNS = ["check", "where", "written", "recomputed", "difference", "status"]
# Largest difference still "ok" [currency].
CENT = 0.005
COMMENTS = {
    "written": "The value on the plan's sheet (a reference to its cell).",
    "recomputed": "The same figure recomputed with a formula from the cells it follows from.",
    "status": "ok when written and recomputed agree to the cent, else differs.",
}


@dataclass(frozen=True)
class Check:
    """One check: a written cell and the formula that should give its value."""

    check: str
    where: str
    written: str
    recomputed: str


@dataclass
class PlanCells:
    """Where the checked figures are in the plan workbook.

    ``purchases_rows`` are the Excel rows of the Purchases body with the months each
    row's annual cost covers; ``summary_rows`` maps a Summary key (``annual_cost``,
    ``baseline_annual_cost``, ``savings``, ``extra_cost``) to its row; ``changes_rows``
    and ``chart_rows`` map a product id to its row on Changes and Cost by product.
    """

    purchases_rows: dict[int, float] = field(default_factory=dict)
    purchases_total_row: int = 2
    summary_rows: dict[str, int] = field(default_factory=dict)
    changes_rows: dict[str, int] = field(default_factory=dict)
    chart_sheet: str = "Cost by product"
    chart_rows: dict[str, int] = field(default_factory=dict)


def _purchases(name: str, absolute: bool = False) -> str:
    letter = get_column_letter(PURCHASE_COLUMNS.index(name) + 1)
    return f"${letter}$" if absolute else letter


def _changes(name: str) -> str:
    return get_column_letter(CHANGE_COLUMNS.index(name) + 1)


def plan_checks(cells: PlanCells) -> list[Check]:
    """Every check of a plan workbook laid out as ``cells`` says.

    Parameters
    ----------
    cells : PlanCells
        Positions of the figures.

    Returns
    -------
    list of Check
        Purchases rows (monthly, annual), Purchases totals, the Summary's annual cost and
        savings (or extra cost), each product's line on Changes and Cost by product.
    """
    q, p, m, a = (_purchases(n) for n in ("quantity", "unit_price", "monthly_cost",
                                          "annual_cost"))
    checks = []
    for row, months in cells.purchases_rows.items():
        checks.append(Check("monthly_cost = quantity x unit_price", f"Purchases row {row}",
                            f"=Purchases!{m}{row}", f"=Purchases!{q}{row}*Purchases!{p}{row}"))
        checks.append(Check(f"annual_cost = monthly_cost x {months:g} months",
                            f"Purchases row {row}", f"=Purchases!{a}{row}",
                            f"=Purchases!{m}{row}*{months!r}"))
    total = cells.purchases_total_row
    if cells.purchases_rows:
        first, last = min(cells.purchases_rows), max(cells.purchases_rows)
        for col in (m, a):
            checks.append(Check("TOTAL = sum of the rows", f"Purchases row {total}",
                                f"=Purchases!{col}{total}",
                                f"=SUM(Purchases!{col}{first}:{col}{last})"))
    checks += _summary_checks(cells, f"Purchases!{a}{total}")
    checks += _product_checks(cells)
    return checks


def _summary_checks(cells: PlanCells, total: str) -> list[Check]:
    rows = cells.summary_rows
    out = []
    if "annual_cost" in rows:
        out.append(Check("annual cost = Purchases TOTAL", f"Summary row {rows['annual_cost']}",
                         f"=Summary!B{rows['annual_cost']}", f"={total}"))
    if {"annual_cost", "baseline_annual_cost"} <= set(rows):
        plan, base = f"Summary!B{rows['annual_cost']}", f"Summary!B{rows['baseline_annual_cost']}"
        if "savings" in rows:
            out.append(Check("savings = baseline - annual cost", f"Summary row {rows['savings']}",
                             f"=Summary!B{rows['savings']}", f"={base}-{plan}"))
        if "extra_cost" in rows:
            out.append(Check("extra cost = annual cost - baseline",
                             f"Summary row {rows['extra_cost']}",
                             f"=Summary!B{rows['extra_cost']}", f"={plan}-{base}"))
    return out


def _product_checks(cells: PlanCells) -> list[Check]:
    if not cells.purchases_rows:
        return []
    first, last = min(cells.purchases_rows), max(cells.purchases_rows)

    def units(product_cell: str, actions) -> str:
        ref = {n: f"Purchases!{_purchases(n, True)}{first}:{_purchases(n, True)}{last}"
               for n in ("action", "product", "quantity")}
        return "+".join(f'SUMIFS({ref["quantity"]},{ref["product"]},{product_cell},'
                        f'{ref["action"]},"{action}")' for action in actions)

    cost_range = f"Purchases!{_purchases('annual_cost', True)}{first}:" \
                 f"{_purchases('annual_cost', True)}{last}"
    product_range = f"Purchases!{_purchases('product', True)}{first}:" \
                    f"{_purchases('product', True)}{last}"
    out = []
    for product, row in cells.changes_rows.items():
        key = f"Changes!{_changes('product')}{row}"
        where = f"Changes row {row}"
        out += [
            Check(f"{product}: held = kept + not renewed", where,
                  f"=Changes!{_changes('held')}{row}",
                  "=" + units(key, KEEPING_ACTIONS + LAPSING_ACTIONS)),
            Check(f"{product}: planned = kept + added", where,
                  f"=Changes!{_changes('planned')}{row}",
                  "=" + units(key, KEEPING_ACTIONS + ADDING_ACTIONS)),
            Check(f"{product}: annual cost = its Purchases rows", where,
                  f"=Changes!{_changes('annual_cost')}{row}",
                  f"=SUMIF({product_range},{key},{cost_range})"),
        ]
    sheet = f"'{cells.chart_sheet}'"
    for product, row in cells.chart_rows.items():
        out.append(Check(f"{product}: annual cost = its Purchases rows",
                         f"{cells.chart_sheet} row {row}", f"={sheet}!C{row}",
                         f"=SUMIF({product_range},{sheet}!B{row},{cost_range})"))
    return out


def write_checks(ws: Worksheet, checks: list[Check]) -> None:
    """The Checks sheet: one row per check with its difference and status formulas."""
    for col, name in enumerate(CHECK_COLUMNS, start=1):
        put(ws, 1, col, name)
    for row, c in enumerate(checks, start=2):
        put(ws, row, 1, c.check)
        put(ws, row, 2, c.where)
        put(ws, row, 3, Formula(c.written), "#,##0.00")
        put(ws, row, 4, Formula(c.recomputed), "#,##0.00")
        put(ws, row, 5, Formula(f"=C{row}-D{row}"), "#,##0.00")
        put(ws, row, 6, Formula(f'=IF(ABS(E{row})<={CENT},"ok","differs")'))
    format_table(ws, len(checks) + 1, COMMENTS, text_columns=("check",))


def months_covered(purchases: Table) -> list[float]:
    """Months each Purchases row's annual cost pays for (12 unless the plan says less).

    Examples
    --------
    >>> months_covered(Table(["monthly_cost", "annual_cost"],
    ...                      [(10.0, 120.0), (180.0, 900.0), (0.0, 0.0)]))
    [12.0, 5.0, 12.0]
    """
    out = []
    for monthly, annual in zip(purchases.column("monthly_cost"), purchases.column("annual_cost")):
        try:
            months = round(float(annual) / float(monthly), 10) if float(monthly) else 12.0
        except (TypeError, ValueError):
            months = 12.0
        out.append(12.0 if months != months else months)  # NaN -> 12
    return out
