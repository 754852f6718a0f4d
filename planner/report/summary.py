"""The plan's Summary sheet: what was planned, with what, and the headline amounts.

Rows of ``field``, ``value``: the organization and its input file, the planning point
and dates, the price list (with its date and description), the currency and exchange
rate, the tool and catalog versions, the solver's status, then the amounts of
:func:`planner.report.figures.headline_amounts` and the notes. Every value is a value,
not a formula (the Checks sheet recomputes the amounts).
"""
from __future__ import annotations

import numbers
from pathlib import Path
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from planner.results import Plan
from planner.report.figures import BASELINE_LABEL, EXTRA_COST_LABEL, SAVINGS_LABEL, AMOUNTS, headline_amounts
from planner.report.layout import BOLD, DATE_FORMAT, TEXT_WIDTH, fit_widths, print_setup, put, style_header, \
    wrap_columns
from planner.report.provenance import catalog_version, price_list_text, tool_version

SUMMARY_HEADER = ("field", "value")
# Summary key -> label, in the order shown (amounts come from figures.py).
FACT_LABELS = {
    "organization": "Organization",
    "source_file": "Input file",
    "at": "Planning point",
    "plan_date": "Planned for",
    "as_of": "As of (planning date)",
    "renewal_date": "Renewal date",
    "price_list": "Price list",
    "currency": "Currency",
    "exchange_rate": "Exchange rate",
    "tool_version": "Tool version",
    "catalog_version": "Catalog",
    "status": "Status",
    "proven_optimal": "Proven optimal",
    "gap": "Optimality gap",
    "solver": "Solver",
    "solve_seconds": "Solve time [s]",
}
NOTE_LABELS = {"input_sheets": "Input sheets", "checks": "Checks", "note": "Note"}
SUMMARY_LABELS = {**FACT_LABELS, **dict(AMOUNTS), "savings": SAVINGS_LABEL,
                  "extra_cost": EXTRA_COST_LABEL, "baseline_annual_cost": BASELINE_LABEL,
                  **NOTE_LABELS}
"""Every Summary key -> its label (read back by :func:`planner.report.read.read_plan`)."""
FORMATS = {"gap": "0.00%", "solve_seconds": "0.0", "plan_date": DATE_FORMAT,
           "as_of": DATE_FORMAT, "renewal_date": DATE_FORMAT}
CHECKS_NOTE = ("Every number is a value. The Checks sheet recomputes them with formulas: "
               "edit a quantity or a price and it shows the new figure and flags what no "
               "longer adds up.")


def write_summary(ws: Worksheet, plan: Plan, money: str, org=None,
                  input_sheets: tuple[str, ...] = ()) -> dict[str, int]:
    """Write the Summary; returns each key's row (for the Checks sheet).

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        The empty Summary sheet.
    plan : planner.results.Plan
        The plan.
    money : str
        Number format of amounts.
    org : planner.input.organization.OrgInputs, optional
        The organization the plan was made from: planning dates and exchange rate.
    input_sheets : tuple of str
        Titles of the input sheets copied into the workbook.
    """
    for col, name in enumerate(SUMMARY_HEADER, start=1):
        put(ws, 1, col, name)
    rows: dict[str, int] = {}
    row = 2
    for key, value in _facts(plan, org).items():
        if value is None:
            continue
        put(ws, row, 1, FACT_LABELS[key])
        put(ws, row, 2, value, FORMATS.get(key))
        rows[key] = row
        row += 1
    for amount in headline_amounts(plan):
        put(ws, row, 1, amount.label)
        put(ws, row, 2, amount.value, money)
        if amount.tone:
            ws.cell(row=row, column=1).font = ws.cell(row=row, column=2).font = BOLD
        rows[amount.key] = row
        row += 1
    for key, text in _notes(plan, org, input_sheets):
        put(ws, row, 1, NOTE_LABELS[key])
        put(ws, row, 2, text)
        row += 1
    style_header(ws)
    fit_widths(ws, cap=TEXT_WIDTH + 10)
    ws.column_dimensions["B"].width = TEXT_WIDTH + 10
    wrap_columns(ws, [2], width=TEXT_WIDTH + 10)
    print_setup(ws, landscape=False, one_page=True)
    return rows


def _facts(plan: Plan, org) -> dict[str, Any]:
    o = getattr(org, "org", None)
    plan_date = None
    if o is not None:
        plan_date = o.renewal_date if plan.at == "renewal" else o.as_of
    return {
        "organization": plan.organization,
        "source_file": Path(plan.source_file).name if plan.source_file else "",
        "at": plan.at,
        "plan_date": plan_date,
        "as_of": getattr(o, "as_of", None),
        "renewal_date": getattr(o, "renewal_date", None) if o is not None else None,
        "price_list": price_list_text(plan.price_list),
        "currency": plan.currency,
        "exchange_rate": _exchange_rate(o, plan.price_list),
        "tool_version": tool_version(),
        "catalog_version": catalog_version(plan),
        "status": plan.status,
        "proven_optimal": "yes" if plan.proven_optimal else "no",
        "gap": "n/a" if plan.gap is None else plan.gap,
        "solver": plan.solver,
        "solve_seconds": plan.solve_seconds,
    }


def _exchange_rate(o, price_list_id: str) -> str | None:
    """``1 USD = 0.92 EUR (rate of 2026-04-30)`` when the organization gives a rate."""
    rate = getattr(o, "exchange_rate", None)
    if not isinstance(rate, numbers.Real):
        return None
    from planner.catalog.load import load_catalog

    price_list = load_catalog().price_lists.get(price_list_id)
    source = price_list.currency if price_list is not None else "price-list unit"
    dated = getattr(o, "exchange_rate_date", None)
    when = f" (rate of {dated.isoformat()})" if dated else ""
    return f"1 {source} = {rate:g} {o.currency}{when}"


def _notes(plan: Plan, org, input_sheets: tuple[str, ...]) -> list[tuple[str, str]]:
    notes = [("checks", CHECKS_NOTE)]
    if input_sheets:
        source = Path(getattr(org, "source", "") or plan.source_file or "").name
        notes.append(("input_sheets",
                      f"{', '.join(input_sheets)}: the organization as read from "
                      f"{source or 'the inputs'}, so this file stands alone (planner validate "
                      "and planner solve read it as an organization workbook)."))
    notes += [("note", text) for text in plan.messages]
    total = plan.purchase_rows.total("annual_cost")
    if abs(total - plan.annual_cost) > 0.01:
        notes.append(("note", f"The Purchases total ({total:,.2f}) differs from the solver's "
                              f"annual cost ({plan.annual_cost:,.2f})."))
    return notes
