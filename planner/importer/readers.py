"""Reading export files: which files, their text, and their CSV rows or JSON document.

Nothing here knows what a file means (:mod:`planner.importer.detect` decides that from
the content). Text is decoded by its byte-order mark (UTF-8 or UTF-16), else as UTF-8,
else as Windows-1252; CSV delimiters (comma, semicolon, tab) are sniffed from the header
line; CRLF and quoted line breaks are handled by the csv module. CSV headers are compared
by :func:`header_key` (case, spaces and punctuation ignored), rows keep their record
number (header = row 1), and a row with fewer or more values than the header is an
error naming it. A zip archive (the Intune portal exports one) is read member by member.
Input files are only ever opened for reading.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import Issue
from planner.importer.skus import clean_text

MAX_ISSUES_PER_FILE = 20
DELIMITERS = (",", ";", "\t")
TEXT_SUFFIXES = (".csv", ".json", ".txt", ".tsv")
_HEADER = re.compile(r"[^0-9a-z]")


def header_key(text: object) -> str:
    """Comparison key of a CSV header or JSON field: lower case letters and digits only
    (``Storage Used (Byte)`` is ``storageusedbyte``)."""
    return _HEADER.sub("", clean_text(text).casefold())


def max_bytes() -> int:
    """Largest input file read [bytes]: ``PLANNER_MAX_IMPORT_MB`` (default 1024 MB)."""
    try:
        return int(float(os.environ.get("PLANNER_MAX_IMPORT_MB", "1024")) * 2**20)
    except ValueError:
        return 1024 * 2**20


@dataclass
class Problems:
    """Issues found while importing, at most :data:`MAX_ISSUES_PER_FILE` lines per file
    and kind (the rest are counted in one closing line per file)."""

    issues: list[Issue] = field(default_factory=list)
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, message: str, file: str = "", row: int | None = None,
            column: str | None = None, hint: str | None = None,
            severity: str = "error") -> None:
        """Record one problem located by file, row and column."""
        key = (file, severity)
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] <= MAX_ISSUES_PER_FILE:
            self.issues.append(Issue(message, file, row=row, column=column, hint=hint,
                                     severity=severity))

    def warn(self, message: str, file: str = "", row: int | None = None,
             column: str | None = None, hint: str | None = None) -> None:
        """Record a warning (reported, does not stop the import)."""
        self.add(message, file, row, column, hint, "warning")

    @property
    def has_errors(self) -> bool:
        """True when at least one error was recorded."""
        return any(sev == "error" for _, sev in self._counts)

    def final(self) -> list[Issue]:
        """Every recorded issue plus one line per file whose issues were cut short."""
        extra = [Issue(f"{count - MAX_ISSUES_PER_FILE} more {sev}s of this kind not shown",
                       file, severity=sev)
                 for (file, sev), count in self._counts.items() if count > MAX_ISSUES_PER_FILE]
        return self.issues + extra


@dataclass
class Input:
    """One input file (or zip member): its display name and raw bytes."""

    name: str
    data: bytes
    path: Path | None = None


@dataclass
class CsvTable:
    """A CSV file read as rows of cells, with headers compared by :func:`header_key`."""

    file: str
    spelled: dict[str, str]
    index: dict[str, int]
    rows: list[tuple[int, list[str]]]

    @property
    def keys(self) -> frozenset[str]:
        """Header keys present."""
        return frozenset(self.index)

    def first(self, *keys: str) -> str | None:
        """The first of ``keys`` the header has, or None."""
        return next((k for k in keys if k in self.index), None)

    def cell(self, cells: list[str], key: str | None) -> str:
        """The cleaned value of column ``key`` in a row ('' when absent)."""
        if key is None or key not in self.index:
            return ""
        idx = self.index[key]
        return cells[idx].strip() if idx < len(cells) else ""

    def column(self, key: str | None) -> str | None:
        """The header as written, for messages."""
        return self.spelled.get(key) if key else None


def decode(data: bytes) -> str:
    """Text of an input file: BOM first (UTF-8, UTF-16), then UTF-8, then Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def is_json(text: str) -> bool:
    """True when the text looks like a JSON document (starts with ``{`` or ``[``)."""
    return text.lstrip()[:1] in ("{", "[")


def read_json(file: str, text: str, problems: Problems) -> Any:
    """The parsed JSON document, or None after recording where the JSON breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip())
        message = ("JSON ends early: the file is truncated (an incomplete download or page?)"
                   if truncated else f"invalid JSON: {exc.msg}")
        problems.add(message, file, row=exc.lineno, column=str(exc.colno),
                     hint="export the page again" if truncated else None)
        return None


def _delimiter(text: str) -> str:
    line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=line.count)


def read_csv(file: str, text: str, problems: Problems) -> CsvTable | None:
    """The CSV rows, or None when the file has no header row.

    Blank rows are skipped. A row with fewer values than the header, or more non-blank
    values, is recorded as an error and left out.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    table: CsvTable | None = None
    row = 1
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            problems.add("empty file: no header row", file, row=1)
            return None
        table = CsvTable(file, {}, {}, [])
        for idx, raw in enumerate(header):
            key = header_key(raw)
            if key and key not in table.index:
                table.index[key] = idx
                table.spelled[key] = clean_text(raw)
        width = len(header)
        for row, cells in enumerate(reader, start=2):
            if not "".join(cells).strip():
                continue
            if len(cells) != width and (len(cells) < width or "".join(cells[width:]).strip()):
                problems.add(f"row has {len(cells)} values, the header has {width} "
                             "(a broken or truncated line?)", file, row=row)
                continue
            table.rows.append((row, cells))
    except csv.Error as exc:
        problems.add(f"unreadable CSV: {exc}", file, row=row + 1,
                     hint="the file may be truncated; export it again")
    return table


def _members(path: Path, name: str, problems: Problems) -> list[Input]:
    """The CSV and JSON members of a zip archive (an Excel workbook is refused)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names:
                problems.add("an Excel workbook, not an export", name,
                             hint="export the report as CSV (or JSON) and pass that file")
                return []
            inputs = []
            for member in sorted(names):
                info = zf.getinfo(member)
                if info.is_dir() or not member.lower().endswith(TEXT_SUFFIXES):
                    continue
                if info.file_size > max_bytes():
                    problems.add("member is larger than the import limit", f"{name}/{member}",
                                 hint="set PLANNER_MAX_IMPORT_MB to raise it")
                    continue
                inputs.append(Input(f"{name}/{member}", zf.read(member), path))
            if not inputs:
                problems.add("zip archive holds no CSV or JSON file", name)
            return inputs
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(f"damaged zip archive ({exc})", name)
        return []


def _read(path: Path, name: str, problems: Problems) -> list[Input]:
    try:
        size = path.stat().st_size
        if size > max_bytes():
            problems.add(f"file is {size / 2**20:.0f} MB, over the import limit", name,
                         hint="set PLANNER_MAX_IMPORT_MB to raise it")
            return []
        if zipfile.is_zipfile(path):
            return _members(path, name, problems)
        return [Input(name, path.read_bytes(), path)]
    except OSError as exc:
        problems.add(f"cannot read the file: {exc.strerror or exc}", name)
        return []


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in path.relative_to(root).parts)


def collect(sources: list[Path], skip: tuple[Path, ...], problems: Problems) -> list[Input]:
    """Every input file named by ``sources`` (files, or folders searched recursively).

    Hidden files, Office lock files (``~$...``) and the paths in ``skip`` (the output) are
    left out of folders; a file named twice is read once.
    """
    seen = {p.resolve() for p in skip}
    inputs: list[Input] = []
    for source in sources:
        if not source.exists():
            problems.add("file or folder not found", str(source))
            continue
        if source.is_dir():
            members = sorted(p for p in source.rglob("*") if p.is_file() and not _hidden(p, source))
            if not members:
                problems.add("folder holds no files", str(source))
            named = [(p, f"{source.name}/{p.relative_to(source).as_posix()}") for p in members]
        else:
            named = [(source, source.name)]
        for path, name in named:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            inputs += _read(path, name, problems)
    return inputs
