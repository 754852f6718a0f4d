"""Safe reading of user workbooks into plain tables (outputs: :mod:`planner.outputs`).

The only module that opens a user's .xlsx for reading. It refuses files that are not
workbooks, are encrypted, carry macros, or would expand past the limits in
:class:`Limits` (file size, decompressed size, compression ratio of a part, rows per
sheet), all checked on the zip container before openpyxl loads anything. Every XML part
is scanned first and refused if it declares a DOCTYPE or entities (billion laughs, XXE);
openpyxl also parses through defusedxml (a declared dependency) as a second line.
Every problem becomes an :class:`Issue` with file, sheet, row and column.

Cell policies: error values (``#REF!`` ...) and formulas without a cached value are
errors naming the cell; merged cells are errors; hidden rows are read like any other
(a warning), and an error in a hidden row says so.
"""
from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError, Issue

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UNCOMPUTED = ("formula without a computed value; open and save the file in Excel, "
              "or type the value")
RATIO_MIN_BYTES = 2**20  # parts smaller than this are not ratio-checked
EXCEL_MAX_CELL_CHARS = 32_767  # what one Excel cell can hold; longer text is not Excel's
_CHUNK = 2**20
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_OVERLAP = 16


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading a workbook (settings with sane defaults).

    Environment variables ``PLANNER_MAX_FILE_MB`` (50), ``PLANNER_MAX_UNZIPPED_MB`` (300),
    ``PLANNER_MAX_PART_MB`` (32, the uncompressed size of any one part: parsing a part
    that large already takes minutes), ``PLANNER_MAX_ROWS`` (50,000 rows per sheet) and
    ``PLANNER_MAX_ZIP_RATIO`` (200, the largest compression ratio of any part over 1 MB)
    override the defaults; they are read when a :class:`Limits` is made, so a changed
    environment applies.
    """

    max_file_bytes: int = field(
        default_factory=lambda: int(_env_number("PLANNER_MAX_FILE_MB", 50) * 2**20))
    max_unzipped_bytes: int = field(
        default_factory=lambda: int(_env_number("PLANNER_MAX_UNZIPPED_MB", 300) * 2**20))
    max_part_bytes: int = field(
        default_factory=lambda: int(_env_number("PLANNER_MAX_PART_MB", 32) * 2**20))
    max_rows: int = field(default_factory=lambda: int(_env_number("PLANNER_MAX_ROWS", 50_000)))
    max_ratio: float = field(default_factory=lambda: _env_number("PLANNER_MAX_ZIP_RATIO", 200))


@dataclass
class Table:
    """One sheet read as rows of normalised column name -> value.

    ``rows`` holds ``(excel_row_number, {column: value})``; blank rows are skipped.
    ``spelled`` maps a normalised column name back to the header as the user wrote it.
    ``reported`` holds the ``(row, column)`` cells already reported (error values,
    formulas without a value) whose value reads as blank, so that blank is not reported
    again; ``hidden`` the Excel rows hidden in the sheet.
    """

    file: str
    sheet: str
    spelled: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    reported: set[tuple[int, str]] = field(default_factory=set)
    hidden: set[int] = field(default_factory=set)

    def issue(self, message: str, row: int | None = None, column: str | None = None,
              hint: str | None = None, severity: str = "error") -> Issue:
        """An :class:`Issue` located in this sheet (column given by normalised name).

        An error in a hidden row says so, since the user cannot see that row.
        """
        col = self.spelled.get(column, column) if column else None
        if row in self.hidden and severity == "error":
            message += " (hidden row)"
        return Issue(message, self.file, self.sheet, row, col, hint, severity)


def normalise(name: Any) -> str:
    """Header or sheet name as compared: trimmed, lower case, spaces as underscores."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _mb(size: int) -> str:
    return f"{size / 2**20:.3g} MB"


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
            f"file is {_mb(size)}, over the {_mb(limits.max_file_bytes)} limit",
            name, hint="set PLANNER_MAX_FILE_MB to raise it"))
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(Issue(f"cannot read the file: {exc.strerror or exc}", name)) from None
    if head == OLE_MAGIC:
        raise InputError(Issue(
            "workbook is password-protected (encrypted) or an old binary .xls; "
            "remove the password / save as .xlsx", name))
    if not zipfile.is_zipfile(path):
        if head.startswith(ZIP_MAGIC):
            raise InputError(Issue("damaged .xlsx container (truncated or corrupt zip)", name,
                                   hint="copy the file again or re-save it from Excel"))
        raise InputError(Issue("not an .xlsx workbook (not a zip container)", name,
                               hint="save the file from Excel as 'Excel Workbook (.xlsx)'"))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except Exception as exc:  # BadZipFile, OSError, ValueError, NotImplementedError (version)
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(Issue(f"damaged .xlsx container ({text})", name,
                               hint="copy the file again or re-save it from Excel")) from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise InputError(Issue("zip file is not an Excel workbook", name))
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise InputError(Issue("workbook contains macros (.xlsm); save a macro-free .xlsx copy",
                               name))
    if total > limits.max_unzipped_bytes:
        raise InputError(Issue(
            f"workbook expands to {_mb(total)}, over the "
            f"{_mb(limits.max_unzipped_bytes)} limit (zip bomb?)", name,
            hint="set PLANNER_MAX_UNZIPPED_MB to raise it"))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise InputError(Issue(
                f"part {info.filename} is compressed {ratio:.0f}:1, over the "
                f"{limits.max_ratio:.0f}:1 limit (zip bomb?)", name,
                hint="set PLANNER_MAX_ZIP_RATIO to raise it"))
        if info.file_size > limits.max_part_bytes:
            raise InputError(Issue(
                f"part {info.filename} expands to {_mb(info.file_size)}, over the "
                f"{_mb(limits.max_part_bytes)} limit of one part", name,
                hint="set PLANNER_MAX_PART_MB to raise it"))


@dataclass
class _Scan:
    """What a pass over the XML parts found: data rows per sheet, sheets with formulas."""

    rows: dict[str, int] = field(default_factory=dict)
    formulas: set[str] = field(default_factory=set)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet zip part -> sheet title, from xl/workbook.xml and its relationships."""
    from defusedxml.ElementTree import fromstring

    try:
        book = fromstring(zf.read("xl/workbook.xml"))
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # unreadable: openpyxl reports it; parts are named by path
        return {}
    targets = {}
    for rel in rels.iter():
        if rel.get("Id") and rel.get("Target"):
            target = rel.get("Target")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                "xl/" + target
    parts = {}
    for el in book.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            if rid in targets:
                parts[targets[rid]] = el.get("name", targets[rid])
    return parts


def _scan_parts(path: Path, limits: Limits) -> _Scan:
    """Stream every XML part once: refuse DTDs and entities, count rows, spot formulas.

    Reading is bounded: zipfile never inflates a part past the size its directory
    declares (checked against the limits already), and a part whose data disagrees fails
    its CRC check, reported as a damaged container.
    """
    name, scan = path.name, _Scan()
    try:
        with zipfile.ZipFile(path) as zf:
            sheets = _sheet_parts(zf)
            for info in zf.infolist():
                if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                title = sheets.get(info.filename)
                rows, tail = 0, b""
                with zf.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        data = tail + chunk
                        if _DTD.search(data):
                            raise InputError(Issue(
                                f"part {info.filename} declares XML entities (DOCTYPE); "
                                "refused as a possible entity-expansion or external-entity "
                                "attack", name, hint="re-save the file from Excel"))
                        if title is not None:
                            rows += len(_ROW.findall(data)) - len(_ROW.findall(tail))
                            if _FORMULA.search(data):
                                scan.formulas.add(title)
                        tail = data[-_OVERLAP:]
                if title is not None:
                    scan.rows[title] = max(rows - 1, 0)
    except InputError:
        raise
    except Exception as exc:  # zipfile and zlib fail in many ways on damaged bytes
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(Issue(f"damaged .xlsx container ({text})", name,
                               hint="copy the file again or re-save it from Excel")) from None
    over = [Issue(f"sheet has {rows} rows, over the {limits.max_rows} row limit", name, title,
                  hint="set PLANNER_MAX_ROWS to raise it")
            for title, rows in scan.rows.items() if rows > limits.max_rows]
    if over:
        raise InputError(over)
    return scan


def _uncomputed_formulas(fh, formulas: set[str], wb) -> dict[str, set[tuple[int, int]]]:
    """Sheet title -> (row, column) of formula cells whose cached value is blank."""
    import openpyxl

    fh.seek(0)
    with_formulas = openpyxl.load_workbook(fh, data_only=False, read_only=True)
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        for title in formulas:
            if title not in with_formulas.sheetnames or title not in wb.sheetnames:
                continue
            values = wb[title]
            for cells in with_formulas[title].iter_rows():
                for cell in cells:
                    if (getattr(cell, "data_type", None) == "f"
                            and values.cell(cell.row, cell.column).value is None):
                        found.setdefault(title, set()).add((cell.row, cell.column))
    finally:
        with_formulas.close()
    return found


def open_workbook(path: str | os.PathLike, limits: Limits | None = None,
                  formulas: bool = False):
    """Open a user workbook read-only with cached values (never modifies the file).

    Parameters
    ----------
    path : str or path-like
        The .xlsx file.
    limits : Limits, optional
        Resource limits (defaults from the environment).
    formulas : bool
        Also find formula cells without a cached value (a file written by a program
        and never calculated); :func:`read_table` then reports them as errors. Off for
        files planner wrote itself (plans), whose formulas are recomputed on reading.

    Raises
    ------
    InputError
        When the file is missing, empty, not an .xlsx, encrypted, has macros, is too
        large, declares XML entities, or cannot be parsed.
    """
    import openpyxl

    path = Path(path)
    limits = limits or Limits()
    _check_container(path, limits)
    scan = _scan_parts(path, limits)
    try:
        with open(path, "rb") as fh:
            wb = openpyxl.load_workbook(fh, data_only=True, read_only=False)
            wb._planner_uncomputed = (_uncomputed_formulas(fh, scan.formulas, wb)
                                      if formulas and scan.formulas else {})
    except InputError:
        raise
    except zipfile.BadZipFile as exc:
        raise InputError(Issue(f"damaged .xlsx container ({exc})", path.name)) from None
    except Exception as exc:  # openpyxl raises many types for broken or hostile XML
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        if "Forbidden" in type(exc).__name__:  # defusedxml: EntitiesForbidden, DTDForbidden
            text = "the XML declares entities or a DTD (refused as unsafe)"
        raise InputError(Issue(f"cannot read workbook: {text}", path.name,
                               hint="re-save the file from Excel as .xlsx")) from None
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
    table.hidden = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
    headers = {idx: normalise(raw) for idx, raw in enumerate(header)
               if raw is not None and str(raw).strip()}
    for rng in ws.merged_cells.ranges:
        first = headers.get(rng.min_col - 1)
        issues.append(table.issue(
            f"merged cells {rng.coord}; unmerge them so each row holds its own values",
            row=rng.min_row, column=first or rng.coord.split(":")[0].rstrip("0123456789")))
    uncomputed = getattr(wb, "_planner_uncomputed", {}).get(ws.title, set())
    for excel_row, values in enumerate(rows, start=2):
        record: dict[str, Any] = {}
        for idx, col in positions.items():
            value = values[idx] if idx < len(values) else None
            if isinstance(value, str):
                value = value.strip()
                if len(value) > EXCEL_MAX_CELL_CHARS:
                    issues.append(table.issue(
                        f"cell holds {len(value):,} characters, more than the "
                        f"{EXCEL_MAX_CELL_CHARS:,} an Excel cell can", excel_row, col))
                    table.reported.add((excel_row, col))
                    value = None
                elif value.upper() in EXCEL_ERRORS:
                    issues.append(table.issue(f"error cell {value}", excel_row, col))
                    table.reported.add((excel_row, col))
                    value = None
                elif value == "":
                    value = None
            elif value is None and (excel_row, idx + 1) in uncomputed:
                issues.append(table.issue(UNCOMPUTED, excel_row, col))
                table.reported.add((excel_row, col))
            record[col] = value
        if all(v is None for v in record.values()):
            continue
        if excel_row in table.hidden:
            issues.append(table.issue("hidden row is read like any other", excel_row,
                                      severity="warning"))
        table.rows.append((excel_row, record))
    return table
