"""ORG.xlsx (or DataFrames built in a notebook) to raw, located rows.

This is the only module that knows how users spell sheets, columns and Organization
fields: :data:`SHEET_NAMES`, :data:`HEADER_MAP` and :data:`FIELD_NAMES` map every accepted
spelling to one internal name (the first spelling listed is the one the template writes).
Nothing here judges values; :mod:`planner.input.validate` does that on the :class:`RawOrg` this
module returns, whose rows keep their Excel row numbers and whose tables remember the
user's spelling of each header for messages.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import Issue
from planner.input.sheets import Limits, Table, find_sheet, normalise, open_workbook, read_table

SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "organization": ("Organization", "Organisation", "Org"),
    "groups": ("Groups", "Personas"),
    "holdings": ("Holdings", "Licenses", "Licences"),
    "prices": ("Prices", "Price overrides"),
    "growth": ("Growth", "Headcount growth"),
}
"""Internal sheet name -> accepted sheet titles (compared with :func:`normalise`)."""

HEADER_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    "organization": {
        "field": ("field", "setting"),
        "value": ("value",),
    },
    "groups": {
        "group": ("group", "persona", "name"),
        "users": ("users", "headcount"),
        "worker": ("worker", "worker kind", "worker type"),
        "devices_per_user": ("devices_per_user", "devices per user"),
        "primary_device": ("primary_device", "primary device"),
        "needs": ("needs", "need"),
        "devices": ("devices", "total devices", "shared devices"),
        "notes": ("notes", "note", "comment"),
        "pcs_per_user": ("pcs_per_user", "pcs per user", "pcs/macs per user"),
        "tablets_per_user": ("tablets_per_user", "tablets per user"),
        "phones_per_user": ("phones_per_user", "phones per user"),
    },
    "holdings": {
        "product": ("product", "product id"),
        "quantity": ("quantity", "qty"),
        "group": ("group", "persona", "assigned to"),
        "sa": ("sa", "software assurance"),
        "ends": ("ends", "end date", "end"),
        "paid_up": ("paid_up", "paid up"),
        "price_list": ("price_list", "price list", "priced by"),
    },
    "prices": {
        "product": ("product", "product id"),
        "unit_price": ("unit_price", "unit price", "price"),
        "note": ("note", "notes", "comment"),
        "currency": ("currency",),
    },
    "growth": {
        "group": ("group", "persona"),
        "start": ("from", "start", "from date", "since"),
        "users": ("users", "headcount"),
    },
}
"""Internal sheet name -> internal column name -> accepted header spellings."""

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("name", "organization", "organisation"),
    "currency": ("currency",),
    "agreement": ("agreement", "agreement type"),
    "renewal_date": ("renewal_date", "renewal date", "renewal"),
    "as_of": ("as_of", "as of", "planning date"),
    "price_list": ("price_list", "price list"),
    "discount_pct": ("discount_pct", "discount %", "discount", "discount percent"),
    "notes": ("notes", "assumptions", "comments"),
    "exchange_rate": ("exchange_rate", "exchange rate", "fx rate"),
    "exchange_rate_date": ("exchange_rate_date", "exchange rate date", "fx rate date"),
    "billing": ("billing", "billing frequency"),
    "holds_with_teams_suite": ("holds_with_teams_suite", "holds with-teams suite", "with teams"),
    "discount_rate": ("discount_rate", "discount rate", "yearly discount rate"),
}
"""Organization field name -> accepted spellings in the ``field`` column."""


@dataclass
class RawOrg:
    """An organization workbook read but not yet validated.

    Attributes
    ----------
    file : str
        File name (not the full path); empty for DataFrames built in code.
    tables : dict
        Internal sheet name -> :class:`~planner.input.sheets.Table` whose row keys are internal
        column names (Organization ``field`` values are internal field names when known).
        Sheets that are absent, or whose header row is unusable, are left out.
    sheet_titles : tuple of str
        Titles of all sheets, as the user wrote them (for "sheets found" hints).
    issues : list of Issue
        Problems found while reading (unknown columns, error cells, merged cells ...).
    """

    file: str
    tables: dict[str, Table] = field(default_factory=dict)
    sheet_titles: tuple[str, ...] = ()
    issues: list[Issue] = field(default_factory=list)


def _lookup(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised spelling -> internal name."""
    return {normalise(s): name for name, aliases in spellings.items() for s in aliases}


def _sheet_title(wb, sheet: str) -> str | None:
    """Normalised title of the worksheet that holds internal ``sheet``, or None."""
    for alias in SHEET_NAMES[sheet]:
        if find_sheet(wb, normalise(alias)) is not None:
            return normalise(alias)
    return None


def _rename_columns(table: Table, sheet: str, issues: list[Issue]) -> None:
    """Key ``table``'s rows and spellings by internal column names, in place."""
    lookup = _lookup(HEADER_MAP[sheet])
    renamed: dict[str, str] = {}
    for col in list(table.spelled):
        internal = lookup.get(col)
        if internal is None:
            continue
        if internal in renamed:
            issues.append(table.issue(
                f"columns '{table.spelled[renamed[internal]]}' and '{table.spelled[col]}' both "
                f"mean {internal}; the second is ignored", 1, col, hint="keep one of them"))
            continue
        renamed[internal] = col
    table.spelled = {**table.spelled, **{i: table.spelled[c] for i, c in renamed.items()}}
    table.rows = [(row, {i: rec[c] for i, c in renamed.items()}) for row, rec in table.rows]
    internal = {c: i for i, c in renamed.items()}
    table.reported = {(row, internal[c]) for row, c in table.reported if c in internal}


def _rename_fields(table: Table) -> None:
    """Replace known Organization field spellings by internal field names, in place."""
    lookup = _lookup(FIELD_NAMES)
    for _, record in table.rows:
        name = record.get("field")
        if name is not None:
            record["field"] = lookup.get(normalise(name), str(name).strip())


def _read_sheets(wb, file: str, limits: Limits | None = None) -> RawOrg:
    raw = RawOrg(file, sheet_titles=tuple(ws.title for ws in wb.worksheets))
    for sheet, columns in HEADER_MAP.items():
        title = _sheet_title(wb, sheet)
        if title is None:
            continue
        spellings = sorted({normalise(s) for aliases in columns.values() for s in aliases})
        table = read_table(wb, file, title, [], spellings, raw.issues, limits, must_exist=False)
        if table is None:
            continue
        _rename_columns(table, sheet, raw.issues)
        if sheet == "organization":
            _rename_fields(table)
        raw.tables[sheet] = table
    return raw


def read_workbook(path: str | os.PathLike, limits: Limits | None = None) -> RawOrg:
    """Read an organization workbook into raw, located rows.

    The file is opened read-only and never written.

    Parameters
    ----------
    path : str or path-like
        The ORG.xlsx workbook.
    limits : planner.input.sheets.Limits, optional
        Size limits (defaults from the environment).

    Returns
    -------
    RawOrg
        The sheets found, keyed by internal names, and the reading issues.

    Raises
    ------
    planner.errors.InputError
        When the file cannot be opened as a safe .xlsx workbook.
    """
    wb = open_workbook(path, limits, formulas=True)
    try:
        return _read_sheets(wb, Path(path).name, limits)
    finally:
        wb.close()


def _cell(value: Any) -> Any:
    """A DataFrame value as openpyxl accepts it (blank for NaN, text for lists)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if not isinstance(value, str) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy scalar -> Python


def _add_sheet(wb, title: str, header: list[Any], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append([str(h) for h in header])
    for values in rows:
        ws.append([_cell(v) for v in values])


def raw_from_frames(groups: pd.DataFrame, holdings: pd.DataFrame | None = None,
                    prices: pd.DataFrame | None = None,
                    organization: dict[str, Any] | None = None,
                    growth: pd.DataFrame | None = None) -> RawOrg:
    """Raw rows from DataFrames built in code, read exactly like a workbook.

    The frames are laid out as sheets of an in-memory workbook (never saved), so column
    spellings, blank rows and value conversions follow the workbook rules; a row's
    number in issues is its position in the frame + 2, as if the frame started at Excel
    row 2 under a header row.

    Parameters
    ----------
    groups : pandas.DataFrame
        One row per group, columns as on the Groups sheet.
    holdings, prices : pandas.DataFrame, optional
        Rows of the Holdings and Prices sheets.
    organization : dict, optional
        Organization field -> value; row numbers follow the dict's order.
    growth : pandas.DataFrame, optional
        Rows of the Growth sheet (``group``, ``from``, ``users``).

    Returns
    -------
    RawOrg
        With an empty file name.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _add_sheet(wb, SHEET_NAMES["organization"][0], ["field", "value"],
               [[k, v] for k, v in (organization or {}).items()])
    frames = {"groups": groups, "holdings": holdings, "prices": prices, "growth": growth}
    for sheet, frame in frames.items():
        if frame is not None:
            _add_sheet(wb, SHEET_NAMES[sheet][0], list(frame.columns),
                       frame.astype(object).values.tolist())
    return _read_sheets(wb, "")
