"""CSV inputs: a folder (or a set) of CSV files named like the sheets of ORG.xlsx.

``Organization.csv``, ``Groups.csv``, ``Holdings.csv`` and ``Prices.csv`` (any spelling
the workbook accepts for the sheet title, e.g. ``Licences.csv``; case-insensitive) are
read into the same raw, located rows as the sheets of a workbook and go through the same
validation, so every message names the CSV file, its row (the header is row 1) and the
column as the user spelled it. Files are UTF-8 (a BOM is allowed) or, failing that,
Windows-1252 as Excel saves them; the delimiter is a comma, a semicolon or a tab, as
sniffed from the header line. Numbers are read as numbers, everything else as text
(dates as ISO text ``2026-06-30``). Other files in the folder are ignored. The files are
only read, never written.
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planner.errors import InputError, Issue
from planner.input.sheets import Limits, normalise
from planner.input.workbook import SHEET_NAMES, RawOrg, _read_sheets

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


def is_csv_input(path: str | os.PathLike) -> bool:
    """True for a folder or a ``.csv`` file: what :func:`read_csv_inputs` reads."""
    path = Path(path)
    return path.is_dir() or path.suffix.lower() == ".csv"


def _sheet_of(path: Path) -> str | None:
    """The internal sheet a file stands for (``Groups.csv`` -> ``groups``), or None."""
    stem = normalise(path.stem)
    for sheet, titles in SHEET_NAMES.items():
        if stem in {normalise(t) for t in titles}:
            return sheet
    return None


def _value(text: str) -> Any:
    """A CSV cell as a workbook cell: blank -> None, numbers -> int/float, else the text."""
    text = text.strip()
    if text == "":
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _decode(path: Path, limits: Limits) -> str:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise InputError(Issue(f"file is {size / 2**20:.3g} MB, over the "
                                   f"{limits.max_file_bytes / 2**20:.3g} MB limit", path.name,
                                   hint="set PLANNER_MAX_FILE_MB to raise it"))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Issue(f"cannot read the file: {exc.strerror or exc}",
                               path.name)) from None
    if b"\x00" in data[:4096]:
        raise InputError(Issue("not a text CSV file (binary content)", path.name,
                               hint="save the sheet from Excel as 'CSV UTF-8'"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(path: Path, limits: Limits) -> list[list[Any]]:
    text = _decode(path, limits)
    first = text.splitlines()[0] if text.strip() else ""
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t") if first else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[_value(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise InputError(Issue(f"cannot read the CSV: {exc}", path.name)) from None
    if len(rows) - 1 > limits.max_rows:
        raise InputError(Issue(f"file has {len(rows) - 1} rows, over the {limits.max_rows} "
                               "row limit", path.name, hint="set PLANNER_MAX_ROWS to raise it"))
    return rows


def csv_files(sources: Iterable[str | os.PathLike]) -> dict[str, Path]:
    """The CSV file of each sheet among ``sources`` (folders are searched, not recursively).

    Raises
    ------
    InputError
        For a missing source, a named ``.csv`` that stands for no sheet, two files for one
        sheet, or no usable file at all.
    """
    found: dict[str, Path] = {}
    issues: list[Issue] = []
    names = ", ".join(f"{titles[0]}.csv" for titles in SHEET_NAMES.values())
    for source in map(Path, sources):
        if not source.exists():
            issues.append(Issue("file or folder not found", source.name))
            continue
        given = source.is_file()
        files = [source] if given else sorted(p for p in source.iterdir()
                                              if p.suffix.lower() == ".csv" and p.is_file()
                                              and not p.name.startswith((".", "~$")))
        for path in files:
            sheet = _sheet_of(path)
            if sheet is None:
                if given:
                    issues.append(Issue("the file name names no sheet of the organization "
                                        "workbook", path.name, hint=f"name it one of {names}"))
                continue
            if sheet in found:
                issues.append(Issue(f"two files for sheet {SHEET_NAMES[sheet][0]}: "
                                    f"{found[sheet].name} and {path.name}", path.name,
                                    hint="keep one of them"))
                continue
            found[sheet] = path
    if not found and not issues:
        where = ", ".join(Path(s).name for s in sources)
        issues.append(Issue("no CSV file named like a sheet of the organization workbook",
                            where, hint=f"expected {names} (Groups.csv at least)"))
    if issues:
        raise InputError(issues)
    return found


def read_csv_inputs(sources: str | os.PathLike | Iterable[str | os.PathLike],
                    limits: Limits | None = None) -> RawOrg:
    """Read CSV files (or folders of them) into raw rows, as :func:`read_workbook` does.

    Parameters
    ----------
    sources : path-like or iterable of path-like
        A folder holding ``Groups.csv`` (and optionally ``Organization.csv``,
        ``Holdings.csv``, ``Prices.csv``), one such file, or several.
    limits : planner.input.sheets.Limits, optional
        File size and rows per file (defaults from the environment).

    Returns
    -------
    planner.input.workbook.RawOrg
        ``file`` is the folder's name (the organization's default name); each table's
        file is its CSV file, so issues name it.

    Raises
    ------
    InputError
        When a file is missing, unreadable or named like no sheet.
    """
    import openpyxl

    given = [sources] if isinstance(sources, (str, os.PathLike)) else list(sources)
    paths = [Path(s) for s in given]
    limits = limits or Limits()
    files = csv_files(paths)
    first = paths[0]
    raw = RawOrg(first.name if first.is_dir() else first.parent.name or first.stem,
                 sheet_titles=tuple(path.stem for path in files.values()))
    for sheet, path in files.items():
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = SHEET_NAMES[sheet][0]
        for row in _rows(path, limits):
            ws.append(row)
        part = _read_sheets(wb, path.name, limits)
        raw.tables.update(part.tables)
        raw.issues.extend(part.issues)
    return raw
