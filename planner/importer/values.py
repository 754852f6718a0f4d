"""Cell and field values of the exports: yes/no, counts, dates, report periods, names.

Each converter takes the raw text (or JSON value) and returns a Python value, or raises
``ValueError`` with a message that names what was expected; blank is ``None``.
"""
from __future__ import annotations

import re
from datetime import date

TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}
POWERSHELL_TYPE = "Microsoft.Graph.PowerShell.Models."
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_PERIOD = re.compile(r"d?(\d+)(?:\s*days?)?", re.IGNORECASE)
_CONCEALED = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        re.IGNORECASE)


def blank(value: object) -> bool:
    """True for None and empty or whitespace-only text."""
    return value is None or (isinstance(value, str) and not value.strip())


def yes_no(value: object) -> bool | None:
    """``Yes/No``, ``True/False``, ``1/0`` (any case) or a JSON boolean."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"'{value}' is not yes/no or true/false")


def count(value: object) -> int | None:
    """A whole number >= 0 (``12``, ``12.0`` or a JSON number)."""
    if blank(value):
        return None
    if value is True or value is False:
        raise ValueError(f"{value} is a yes/no value, not a count")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a number") from None
    if not number.is_integer() or number < 0:
        raise ValueError(f"'{value}' is not a whole number >= 0")
    return int(number)


def day(value: object) -> date | None:
    """A date from ``YYYY-MM-DD`` (optionally with a time, as Graph and the admin center
    write them) or ``M/D/YYYY`` (US-style report exports)."""
    if blank(value):
        return None
    text = str(value).strip()
    match = _DATE.match(text)
    us = None if match else _US_DATE.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
    except ValueError:
        pass
    raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)")


ALL_DAYS = 36_500
"""The period of an ``ALL`` report (longer than any threshold)."""


def period_days(value: object) -> int | None:
    """A report period in days from ``90``, ``D90`` or ``90 days``; ``ALL`` is
    :data:`ALL_DAYS`."""
    if blank(value):
        return None
    if str(value).strip().upper() == "ALL":
        return ALL_DAYS
    match = _PERIOD.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a report period (7, 30, 90, 180 or D90)")
    return int(match[1])


def concealed(upn: str) -> bool:
    """True for a report user name hidden by the tenant's concealment setting (an MD5-like
    32-hex token or a GUID instead of an address)."""
    return "@" not in upn and bool(_CONCEALED.fullmatch(upn.strip()))


def powershell_object(value: object) -> bool:
    """True when a cell holds a PowerShell type name instead of data (a naive Export-Csv)."""
    return isinstance(value, str) and (POWERSHELL_TYPE in value or value.strip() == "System.Object[]")


class RowCheck:
    """Converts the fields of one row, recording each bad field as an error located by
    file, row and column; ``ok`` is False once any field failed."""

    def __init__(self, problems, file: str, row: int):
        self.problems, self.file, self.row, self.ok = problems, file, row, True

    def value(self, convert, raw: object, column: str | None, required: bool = False,
              default=None):
        """``convert(raw)``, or ``default`` (recording the problem) when it fails or a
        required value is blank."""
        if raw is None or raw == "" or blank(raw):
            if required:
                self.fail("missing value; this column is required", column)
            return default
        try:
            return convert(raw)
        except ValueError as exc:
            self.fail(str(exc), column)
            return default

    def fail(self, message: str, column: str | None = None, hint: str | None = None) -> None:
        """Record an error on this row."""
        self.ok = False
        self.problems.add(message, self.file, self.row, column, hint)
