"""A blank, self-explaining input workbook (``planner template ORG.xlsx``).

Sheets: Instructions, Organization, Groups, Holdings, Prices, Growth, and a hidden Lists
sheet holding the catalog ids the dropdowns refer to. Every column is described once, in
:data:`planner.input.workbook.SHEETS`; the header comments, the dropdown prompts and the
Instructions table are all generated from that description.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.input.organization import OrgInputs
from planner.input.workbook import CHOICES, FIELDS, Column
from planner.input.workbook import SHEETS as INPUT_SHEETS
from planner.outputs import write_workbook
from planner.provenance import check_replaceable
from planner.report.layout import (DATE_FORMAT, fit_widths, format_table, note, print_setup, put,
                            style_header)

# Rows that carry dropdowns below each header; enough for any realistic organization.
TEMPLATE_ROWS = 500
# Excel rejects (and "repairs") validation prompts and titles longer than these.
MAX_PROMPT = 255
MAX_TITLE = 32
YES_NO = ("Y", "N")
EXAMPLE_GROUP = "Office staff"
EXAMPLE_PROFILE = "m365_e3_equivalent"
EXAMPLE_PRODUCT = "m365_e3"
# The example is an Enterprise Agreement, which needs at least 500 users or devices.
EXAMPLE_USERS = 500
EXAMPLE_PRICE = ("m365_e3", 33.75, "negotiated EA price")
EXAMPLE_GROWTH = 50  # users the example group gains at the renewal


ORGANIZATION_FIELDS: tuple[Column, ...] = tuple(f for f in FIELDS if f.template)
"""The Organization fields the template writes, in order (planner.input.workbook.FIELDS)."""

SHEETS: dict[str, tuple[Column, ...]] = {
    sheet.title: tuple(c for c in sheet.columns if c.template) for sheet in INPUT_SHEETS.values()}
"""Sheet title -> the columns the template writes (planner.input.workbook.SHEETS)."""

ENUMERATIONS = {**CHOICES, "yes_no": YES_NO}
ALLOWED_TEXT = {
    "count": "whole number >= 0",
    "positive": "whole number > 0",
    "money": "number >= 0",
    "percent": "number from 0 to 100",
    "rate": "number > 0",
    "fraction": "number from 0 to below 1",
    "currency": "3-letter currency code (ISO 4217)",
    "date": "date (Excel date or YYYY-MM-DD)",
    "product": "a product id (see Products below)",
    "group": "a group name from the Groups sheet, or blank",
    "needs": "need and profile ids (see Needs and Profiles below), comma-separated",
    "price_list": "a price list id (see Price lists below)",
}
# (record type, column) -> attribute, where a column is not named like its attribute.
INPUT_ATTRIBUTES = {("Group", "group"): "name"}
# Columns of the hidden Lists sheet, and the rules whose dropdowns read them.
LISTS = ("product", "need_or_profile", "price_list")
LIST_SOURCES = {"product": "product", "needs": "need_or_profile", "price_list": "price_list"}

INTRODUCTION = (
    "planner input workbook",
    "Describe the organization on the sheets Organization, Groups, Holdings, Prices "
    "(optional) and Growth (optional: a group's headcount from a date on). Sheet and column "
    "names are not case-sensitive; extra columns are ignored "
    "with a warning; blank rows are skipped.",
    "Each header carries a comment that explains the column, and the cells offer "
    "dropdowns with the allowed values. The example rows are valid: replace them.",
    "Check the workbook:   planner validate ORG.xlsx   (lists every problem with its sheet, "
    "row and column)",
    "Compute the plan:     planner solve ORG.xlsx -o ORG-plan.xlsx   (options: --at "
    "now|renewal, --json)",
    "Browse the catalog:   planner catalog",
    "Prices example (leave the sheet empty to use the list prices): product {0}, "
    "unit_price {1}, note '{2}'.".format(*EXAMPLE_PRICE),
)


def write_template(out_path: str | os.PathLike, catalog: Any = None,
                   overwrite: bool = False) -> Path:
    """Write a blank, self-explaining input workbook with one valid example per sheet.

    Parameters
    ----------
    out_path : str or os.PathLike
        Where to write the .xlsx.
    catalog : planner.catalog.load.Catalog, optional
        Source of the product, need, profile and price list ids; the shipped catalog
        by default.
    overwrite : bool
        Replace any existing file; by default an existing workbook is replaced only when
        planner wrote it and it is unchanged since (:mod:`planner.provenance`), so an
        organization already filled in is left alone.

    Returns
    -------
    pathlib.Path
        ``out_path``, now holding the template.

    Raises
    ------
    planner.errors.InputError
        When ``out_path`` must be kept (see ``overwrite``), or its folder is missing.
    """
    out = Path(out_path)
    check_replaceable(out, force=overwrite)
    if catalog is None:
        from planner.catalog.load import load_catalog

        catalog = load_catalog()
    return write_workbook(build_template(catalog, date.today()), out, what="template")


def build_template(catalog: Any, today: date, rows: dict[str, list[tuple]] | None = None,
                   introduction: tuple[str, ...] = INTRODUCTION) -> Workbook:
    """The template as an in-memory workbook (see :func:`write_template`).

    Parameters
    ----------
    catalog : planner.catalog.load.Catalog
        Provides ``products``, ``needs``, ``profiles``, ``price_list_ids()`` and
        ``default_price_list(on_date)``.
    today : datetime.date
        The example's planning date (``as_of``).
    rows : dict, optional
        Sheet title -> rows to write instead of the examples (``planner import`` fills
        the workbook this way); each row's values follow the sheet's columns in
        :data:`SHEETS` (Organization rows are ``(field, value)``).
    introduction : tuple of str, optional
        The lines that open the Instructions sheet.

    Returns
    -------
    openpyxl.Workbook
        Instructions, Organization, Groups, Holdings, Prices, Growth, and the hidden Lists.
    """
    wb = Workbook()
    instructions = wb.active
    instructions.title = "Instructions"
    sheets = {title: wb.create_sheet(title) for title in SHEETS}
    ranges = _write_lists(wb.create_sheet("Lists"), catalog)
    examples = _examples(catalog, today) if rows is None else rows
    for title, ws in sheets.items():
        _write_input_sheet(ws, SHEETS[title], examples.get(title, []), ranges)
    _write_organization_fields(sheets["Organization"], ranges)
    _write_instructions(instructions, catalog, introduction)
    return wb


def _examples(catalog: Any, today: date) -> dict[str, list[tuple]]:
    """One valid example row per sheet (the Prices example lives in the Instructions)."""
    renewal = date(today.year + 1, today.month, 1)
    organization = {
        "name": "Example Organization", "currency": "USD", "agreement": "EA",
        "renewal_date": renewal, "as_of": today,
        "price_list": catalog.default_price_list(today), "discount_pct": 0,
        "exchange_rate": None, "exchange_rate_date": None, "notes": None, "discount_rate": 0,
    }
    return {
        "Organization": [(f.name, organization[f.name]) for f in ORGANIZATION_FIELDS],
        "Groups": [sheet_row("Groups", group=EXAMPLE_GROUP, users=EXAMPLE_USERS,
                             worker="information", devices_per_user=2,
                             primary_device="windows_pro", needs=EXAMPLE_PROFILE,
                             notes="Office workers with a laptop and a phone")],
        "Holdings": [sheet_row("Holdings", product=EXAMPLE_PRODUCT, quantity=EXAMPLE_USERS,
                               group=EXAMPLE_GROUP, sa="N", ends=renewal, paid_up="N")],
        "Prices": [],
        "Growth": [sheet_row("Growth", group=EXAMPLE_GROUP, start=renewal,
                             users=EXAMPLE_USERS + EXAMPLE_GROWTH)],
    }


def sheet_row(title: str, **values: Any) -> tuple:
    """One row of input sheet ``title`` in the order the template writes its columns.

    ``values`` are keyed by internal column name (:data:`planner.input.workbook.SHEETS`);
    columns not given are blank.

    Raises
    ------
    KeyError
        For a name that is not a column the template writes on that sheet.
    """
    names = [c.name for c in SHEETS[title]]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise KeyError(f"not a column the template writes on {title}: {', '.join(unknown)}")
    return tuple(values.get(name) for name in names)


def _write_input_sheet(ws: Worksheet, columns: tuple[Column, ...], rows: list[tuple],
                       ranges: dict[str, str] | None) -> None:
    """Header with comments, rows, and (given the list ranges) one validation per column."""
    for col, column in enumerate(columns, start=1):
        put(ws, 1, col, column.header)
    for row, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value, DATE_FORMAT if isinstance(value, date) else None)
    for col, column in enumerate(columns, start=1):
        letter = get_column_letter(col)
        rule = None if ranges is None else _validation(column, ranges)
        if rule is not None:
            ws.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    format_table(ws, max(1, len(rows) + 1), {c.header: c.description for c in columns},
                 text_columns=("needs", "notes", "note"))


def input_rows(inputs: OrgInputs) -> dict[str, list[tuple]]:
    """The validated organization as rows of the input sheets (the template's columns).

    Parameters
    ----------
    inputs : planner.input.organization.OrgInputs
        The organization a plan was made from.

    Returns
    -------
    dict of str to list of tuple
        Sheet title (Organization, Groups, Holdings, Prices, Growth) -> rows in the column order
        of :data:`SHEETS`; Organization lists every field, blank when not set.
    """
    records = {"Groups": inputs.groups, "Holdings": inputs.holdings, "Prices": inputs.prices,
               "Growth": inputs.growth}
    rows = {title: [tuple(_input_cell(r, c.name) for c in SHEETS[title]) for r in items]
            for title, items in records.items()}
    rows["Organization"] = [(f.header, _input_cell(inputs.org, f.name))
                            for f in ORGANIZATION_FIELDS]
    return rows


def _input_cell(record: Any, column: str) -> Any:
    """The cell of ``column`` for one validated record (Y/N for flags, ids joined)."""
    value = getattr(record, INPUT_ATTRIBUTES.get((type(record).__name__, column), column), None)
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, tuple):
        return ", ".join(value)
    return None if value == "" else value


def write_input_sheets(wb: Workbook, inputs: OrgInputs) -> list[Worksheet]:
    """Append a copy of the organization's input sheets to ``wb`` (no dropdowns).

    The sheets carry the input workbook's names and columns, so the workbook they are
    copied into can itself be read as the organization workbook. Growth, which most
    organizations leave empty, is copied only when it has rows.

    Returns
    -------
    list of openpyxl.worksheet.worksheet.Worksheet
        The sheets added, in :data:`SHEETS` order.
    """
    rows = input_rows(inputs)
    sheets = []
    for title, columns in SHEETS.items():
        if title == "Growth" and not rows[title]:
            continue
        ws = wb.create_sheet(title)
        _write_input_sheet(ws, columns, rows[title], ranges=None)
        if title == "Organization":
            _write_organization_fields(ws, None)
        sheets.append(ws)
    return sheets


def _write_organization_fields(ws: Worksheet, ranges: dict[str, str] | None) -> None:
    """Per-setting comments on the field names and (given ranges) validations on values."""
    for row, field in enumerate(ORGANIZATION_FIELDS, start=2):
        ws.cell(row=row, column=1).comment = note(field.description)
        rule = None if ranges is None else _validation(field, ranges)
        if rule is not None:
            ws.add_data_validation(rule)
            rule.add(f"B{row}")


def _validation(column: Column, ranges: dict[str, str]) -> DataValidation | None:
    """The data validation for a column's rule, with its meaning as the input message."""
    dv = _constraint(column.rule, ranges)
    if dv is None:
        return None
    dv.allow_blank = True
    dv.showInputMessage = True
    # needs holds several comma-separated ids: its list is a help, not a constraint.
    dv.showErrorMessage = column.rule != "needs"
    dv.promptTitle = column.header[:MAX_TITLE]
    dv.prompt = column.description[:MAX_PROMPT]
    dv.errorTitle = f"Invalid {column.header}"[:MAX_TITLE]
    dv.error = f"Expected {_allowed(column.rule)}."[:MAX_PROMPT]
    return dv


def _constraint(rule: str, ranges: dict[str, str]) -> DataValidation | None:
    """The bare validation of a rule (None for free text or an empty catalog list)."""
    if rule in ENUMERATIONS:
        return DataValidation(type="list", formula1='"{}"'.format(",".join(ENUMERATIONS[rule])))
    if rule in LIST_SOURCES:
        source = ranges.get(LIST_SOURCES[rule])
        return None if source is None else DataValidation(type="list", formula1=source)
    if rule == "group":
        return DataValidation(type="list", formula1=f"Groups!$A$2:$A${TEMPLATE_ROWS + 1}")
    if rule in ("count", "positive"):
        return DataValidation(type="whole", operator="greaterThanOrEqual",
                              formula1="0" if rule == "count" else "1")
    if rule == "money":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    if rule == "rate":
        return DataValidation(type="decimal", operator="greaterThan", formula1="0")
    if rule == "fraction":
        return DataValidation(type="decimal", operator="between", formula1="0",
                              formula2="0.9999")
    if rule == "percent":
        return DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
    if rule == "date":
        # ISO text is accepted too, so a typed non-date only warns.
        return DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)",
                              errorStyle="warning")
    return None


def _allowed(rule: str) -> str:
    """Allowed values of a rule, in words."""
    if rule in ENUMERATIONS:
        return ", ".join(ENUMERATIONS[rule])
    return ALLOWED_TEXT.get(rule, "text")


def _write_lists(ws: Worksheet, catalog: Any) -> dict[str, str]:
    """Catalog ids for the dropdowns, one column per list; returns list -> range."""
    values = {
        "product": list(catalog.products.index),
        "need_or_profile": list(catalog.needs.index) + list(catalog.profiles),
        "price_list": list(catalog.price_list_ids()),
    }
    ranges = {}
    for col, name in enumerate(LISTS, start=1):
        put(ws, 1, col, name)
        for row, value in enumerate(values[name], start=2):
            put(ws, row, col, value)
        if values[name]:
            letter = get_column_letter(col)
            ranges[name] = f"Lists!${letter}$2:${letter}${len(values[name]) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _write_instructions(ws: Worksheet, catalog: Any,
                        introduction: tuple[str, ...] = INTRODUCTION) -> None:
    """Introduction, then tables: columns of each sheet, products, needs, profiles."""
    for row, text in enumerate(introduction, start=1):
        put(ws, row, 1, text)
    ws["A1"].font = Font(bold=True, size=14)
    first = len(introduction) + 2
    row = _write_block(ws, first, ("sheet", "column", "meaning", "allowed values"),
                       _column_rows())
    row = _write_block(ws, row + 1, ("product", "name", "kind", "basis"), [
        (pid, p.get("name"), p.get("kind"), p.get("basis"))
        for pid, p in catalog.products.iterrows()])
    row = _write_block(ws, row + 1, ("need", "description"), [
        (nid, n.get("description", n.get("name"))) for nid, n in catalog.needs.iterrows()])
    row = _write_block(ws, row + 1, ("profile", "needs"), [
        (pid, ", ".join(needs)) for pid, needs in catalog.profiles.items()])
    _write_block(ws, row + 1, ("price list",), [(pid,) for pid in catalog.price_list_ids()])
    fit_widths(ws, min_row=first)
    for cells in ws.iter_rows(min_row=first, min_col=3, max_col=4):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    print_setup(ws, title_rows=None)


def _column_rows() -> list[tuple[str, str, str, str]]:
    """(sheet, column, meaning, allowed values) for every input column and setting."""
    rows = [("Organization", f.header, f.description, _allowed(f.rule))
            for f in ORGANIZATION_FIELDS]
    for title, columns in SHEETS.items():
        if title != "Organization":
            rows += [(title, c.header, c.description, _allowed(c.rule)) for c in columns]
    return rows


def _write_block(ws: Worksheet, top: int, header: tuple[str, ...], rows: list[tuple]) -> int:
    """A titled table on the Instructions sheet; returns the row after it."""
    for col, name in enumerate(header, start=1):
        put(ws, top, col, name)
    style_header(ws, row=top, freeze=False)
    for row, values in enumerate(rows, start=top + 1):
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value)
    return top + len(rows) + 1
