"""Tables of a batch or a sweep written as CSV and as a formatted Excel sheet, atomically.

Every file goes through :func:`planner.outputs.atomic_write`: written whole or not at
all, and never over an input.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from planner.report.layout import COUNT_FORMAT, format_table, put
from planner.outputs import atomic_write, json_text, write_workbook

AMOUNT_FORMAT = "#,##0.00"
"""Number format of amounts in tables that may mix currencies (a currency column says)."""

SECONDS_FORMAT = "0.00"


def is_amount(column: str) -> bool:
    """True for money columns (``*_cost``, ``savings``, prices) [currency]."""
    return column.endswith(("_cost", "savings", "unit_price"))


def write_frame(ws: Worksheet, frame: pd.DataFrame, money: str = AMOUNT_FORMAT,
                comments: dict[str, str] | None = None) -> None:
    """``frame`` as a formatted table from A1: header, filters, number formats, widths."""
    for c, name in enumerate(frame.columns, start=1):
        put(ws, 1, c, str(name))
    formats = [money if is_amount(str(n)) else SECONDS_FORMAT if n == "seconds"
               else COUNT_FORMAT if n in ("users", "draw") else None for n in frame.columns]
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        for c, value in enumerate(row, start=1):
            number = formats[c - 1] if isinstance(value, (int, float)) else None
            put(ws, r, c, value, number)
    format_table(ws, len(frame) + 1, comments)


def save_workbook(wb: Workbook, path: str | os.PathLike, inputs: Iterable = ()) -> Path:
    """Save ``wb`` atomically, never over one of ``inputs``."""
    return write_workbook(wb, path, inputs=tuple(inputs))


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, inputs: Iterable = ()) -> Path:
    """``frame`` as UTF-8 CSV, atomically, never over one of ``inputs``."""
    return atomic_write(path, lambda p: frame.to_csv(p, index=False, encoding="utf-8"),
                       inputs=tuple(inputs))


def write_json(payload: dict, path: str | os.PathLike, inputs: Iterable = ()) -> Path:
    """``payload`` as indented JSON, atomically, never over one of ``inputs``."""
    text = json_text(payload, default=str)
    return atomic_write(path, lambda p: Path(p).write_text(text + "\n", encoding="utf-8"),
                       inputs=tuple(inputs))


def write_bytes(data: bytes, path: str | os.PathLike, inputs: Iterable = ()) -> Path:
    """``data`` to ``path``, atomically, never over one of ``inputs``."""
    return atomic_write(path, lambda p: Path(p).write_bytes(data), inputs=tuple(inputs))


def write_table(frame: pd.DataFrame, csv_path: str | os.PathLike, xlsx_path: str | os.PathLike,
                sheet: str, comments: dict[str, str] | None = None,
                inputs: Iterable = ()) -> tuple[Path, Path]:
    """``frame`` as a CSV file and as a one-sheet workbook (sheet ``sheet``).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The CSV and the workbook written.
    """
    inputs = tuple(inputs)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    write_frame(ws, frame, comments=comments)
    return write_csv(frame, csv_path, inputs), save_workbook(wb, xlsx_path, inputs)
