"""Safe reading of user workbooks into plain tables, and atomic writing of outputs.

The only module that opens a user's .xlsx for reading. It refuses files that are not
workbooks, are encrypted, carry macros, or would expand past the limits in
:class:`Limits`; openpyxl parses XML through defusedxml (a declared dependency), so entity
expansion and external entities are rejected. Every problem becomes an :class:`Issue`
with file, sheet, row and column.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, Issue

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading a workbook (settings with sane defaults).

    Environment variables ``PLANNER_MAX_FILE_MB``, ``PLANNER_MAX_UNZIPPED_MB`` and
    ``PLANNER_MAX_ROWS`` override the defaults.
    """

    max_file_bytes: int = int(float(os.environ.get("PLANNER_MAX_FILE_MB", 50)) * 2**20)
    max_unzipped_bytes: int = int(float(os.environ.get("PLANNER_MAX_UNZIPPED_MB", 300)) * 2**20)
    max_rows: int = int(os.environ.get("PLANNER_MAX_ROWS", 50_000))


@dataclass
class Table:
    """One sheet read as rows of normalised column name -> value.

    ``rows`` holds ``(excel_row_number, {column: value})``; blank rows are skipped.
    ``spelled`` maps a normalised column name back to the header as the user wrote it.
    """

    file: str
    sheet: str
    spelled: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def issue(self, message: str, row: int | None = None, column: str | None = None,
              hint: str | None = None, severity: str = "error") -> Issue:
        """An :class:`Issue` located in this sheet (column given by normalised name)."""
        col = self.spelled.get(column, column) if column else None
        return Issue(message, self.file, self.sheet, row, col, hint, severity)


def normalise(name: Any) -> str:
    """Header or sheet name as compared: trimmed, lower case, spaces as underscores."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _check_container(path: Path, limits: Limits) -> None:
    name = path.name
    if not path.exists():
        raise InputError(Issue("file not found", name))
    if path.is_dir():
        raise InputError(Issue("is a folder, not an .xlsx workbook", name))
    size = path.stat().st_size
    if size == 0:
        raise InputError(Issue("file is empty; expected an .xlsx workbook", name))
    if size > limits.max_file_bytes:
        raise InputError(Issue(
            f"file is {size / 2**20:.1f} MB, over the {limits.max_file_bytes / 2**20:.0f} MB limit",
            name, hint="set PLANNER_MAX_FILE_MB to raise it"))
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise InputError(Issue(
            "workbook is password-protected (encrypted) or an old binary .xls; "
            "remove the password / save as .xlsx", name))
    if not zipfile.is_zipfile(path):
        raise InputError(Issue("not an .xlsx workbook (not a zip container)", name,
                               hint="save the file from Excel as 'Excel Workbook (.xlsx)'"))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(Issue(f"damaged .xlsx container ({exc})", name)) from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise InputError(Issue("zip file is not an Excel workbook", name))
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise InputError(Issue("workbook contains macros (.xlsm); save a macro-free .xlsx copy",
                               name))
    if total > limits.max_unzipped_bytes:
        raise InputError(Issue(
            f"workbook expands to {total / 2**20:.0f} MB, over the "
            f"{limits.max_unzipped_bytes / 2**20:.0f} MB limit (zip bomb?)", name,
            hint="set PLANNER_MAX_UNZIPPED_MB to raise it"))


def open_workbook(path: str | os.PathLike, limits: Limits | None = None):
    """Open a user workbook read-only with cached values (never modifies the file).

    Raises
    ------
    InputError
        When the file is missing, empty, not an .xlsx, encrypted, has macros, is too
        large, or cannot be parsed.
    """
    import openpyxl

    path = Path(path)
    limits = limits or Limits()
    _check_container(path, limits)
    try:
        with open(path, "rb") as fh:
            wb = openpyxl.load_workbook(fh, data_only=True, read_only=False)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types for broken or hostile XML
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(Issue(f"cannot read workbook: {text}", path.name)) from None
    return wb


def find_sheet(wb, wanted: str):
    """The worksheet whose normalised name is ``wanted``, or None."""
    for ws in wb.worksheets:
        if normalise(ws.title) == wanted:
            return ws
    return None


def read_table(wb, file: str, sheet: str, required: list[str], optional: list[str],
               issues: list[Issue], limits: Limits | None = None,
               must_exist: bool = True) -> Table | None:
    """Read one sheet whose first row holds headers.

    Missing required columns, unknown columns (warning), error cells, merged cells,
    hidden rows (warning) and sheets over the row limit are appended to ``issues``.
    Returns None when the sheet is missing or unusable.
    """
    limits = limits or Limits()
    ws = find_sheet(wb, sheet)
    if ws is None:
        if must_exist:
            have = ", ".join(w.title for w in wb.worksheets)
            issues.append(Issue(f"missing sheet '{sheet}'", file, hint=f"sheets found: {have}"))
        return None
    table = Table(file, ws.title)
    if ws.max_row - 1 > limits.max_rows:
        issues.append(table.issue(
            f"sheet has {ws.max_row - 1} rows, over the {limits.max_rows} row limit",
            hint="set PLANNER_MAX_ROWS to raise it"))
        return None
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(v is None for v in header):
        issues.append(table.issue("sheet has no header row", row=1))
        return None
    known = set(required) | set(optional)
    positions: dict[int, str] = {}
    for idx, raw in enumerate(header):
        if raw is None or str(raw).strip() == "":
            continue
        col = normalise(raw)
        if col in table.spelled:
            issues.append(table.issue(f"duplicate column '{raw}'", row=1, column=col))
            continue
        table.spelled[col] = str(raw).strip()
        if col in known:
            positions[idx] = col
        else:
            issues.append(table.issue(f"unknown column '{raw}' ignored", row=1,
                                      column=col, severity="warning"))
    missing = [c for c in required if c not in table.spelled]
    for col in missing:
        issues.append(table.issue(f"missing column '{col}'", row=1, column=col))
    if missing:
        return None
    for rng in ws.merged_cells.ranges:
        issues.append(table.issue(
            f"merged cells {rng.coord}; unmerge them so each row holds its own values",
            row=rng.min_row))
    for excel_row, values in enumerate(rows, start=2):
        record: dict[str, Any] = {}
        for idx, col in positions.items():
            value = values[idx] if idx < len(values) else None
            if isinstance(value, str):
                value = value.strip()
                if value.upper() in EXCEL_ERRORS:
                    issues.append(table.issue(f"error cell {value}", excel_row, col))
                    value = None
                elif value == "":
                    value = None
            record[col] = value
        if all(v is None for v in record.values()):
            continue
        dim = ws.row_dimensions.get(excel_row) if hasattr(ws.row_dimensions, "get") else None
        if dim is not None and dim.hidden:
            issues.append(table.issue("hidden row is read like any other", excel_row,
                                      severity="warning"))
        table.rows.append((excel_row, record))
    return table


def atomic_save(save, out_path: str | os.PathLike, inputs: tuple = ()) -> Path:
    """Write an output file whole or not at all, never over an input.

    ``save`` is a callable taking a file path (e.g. ``workbook.save``). The content goes
    to a temporary file in the target folder and is renamed over ``out_path`` only when
    complete, so an existing file is replaced only whole.

    Raises
    ------
    InputError
        When ``out_path`` is one of ``inputs`` or its folder does not exist.
    """
    out = Path(out_path)
    for inp in inputs:
        if inp and out.resolve() == Path(inp).resolve():
            raise InputError(Issue("refusing to write the output over the input file", out.name,
                                   hint="choose another name with -o"))
    if not out.parent.exists():
        raise InputError(Issue(f"output folder {out.parent} does not exist", out.name))
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out
