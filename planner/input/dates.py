"""The one date converter: Excel date cells and ISO text to :class:`datetime.date`.

Workbooks, notebooks' DataFrames, example definitions, roster exports and API arguments
all give dates this way; every reader converts them here, so they agree on what a date is
and say the same thing when a value is not one.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
"""``YYYY-MM-DD``, optionally with the time of an exported timestamp (which is dropped)."""


def to_date(value: Any) -> date:
    """A date from a date or datetime cell or ISO text (``2026-12-31``).

    Raises
    ------
    ValueError
        With the message users see: what was given and the expected format.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = ISO_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"'{value}' is not a date; use an Excel date or YYYY-MM-DD text "
                         "(e.g. 2026-12-31)")
    try:
        return date.fromisoformat(match[1])
    except ValueError:
        raise ValueError(f"'{value}' is not a valid date") from None


def optional_date(value: Any) -> date | None:
    """:func:`to_date`, with None for a blank value (None or empty text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_date(value)
