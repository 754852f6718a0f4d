"""The one date converter (planner.input.dates) and the readers that use it."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from planner.input.dates import optional_date, to_date


@pytest.mark.parametrize("value", [date(2026, 12, 31), datetime(2026, 12, 31, 8, 30),
                                   "2026-12-31", " 2026-12-31 ", "2026-12-31T08:30:00Z",
                                   "2026-12-31 08:30:00", "2026-12-31T08:30:00+02:00"])
def test_dates_and_iso_text_are_dates(value):
    assert to_date(value) == date(2026, 12, 31)


@pytest.mark.parametrize("value, message", [
    ("31/12/2026", "'31/12/2026' is not a date; use an Excel date or YYYY-MM-DD text"),
    (46000, "'46000' is not a date"),
    ("2026-02-30", "'2026-02-30' is not a valid date"),
    ("2026-12-31 later", "is not a date"),
    (True, "is not a date"),
])
def test_anything_else_says_what_a_date_is(value, message):
    with pytest.raises(ValueError, match=message):
        to_date(value)


def test_blank_is_no_date():
    assert optional_date(None) is None and optional_date("  ") is None
    assert optional_date("2027-01-01") == date(2027, 1, 1)


def test_every_reader_converts_dates_alike():
    from planner.explore import _day as explore_day
    from planner.input.validate import RULE_CONVERTERS
    from planner.roles.rows import _day as roster_day

    assert RULE_CONVERTERS["date"] is to_date
    for read in (explore_day, roster_day):
        assert read("2026-12-31") == date(2026, 12, 31) and read(None) is None
        with pytest.raises(ValueError, match="is not a date"):
            read("31/12/2026")
