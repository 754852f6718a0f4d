"""Calendar arithmetic the planner shares: whole years forward or back, and year fractions."""
from __future__ import annotations

from datetime import date


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole calendar years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def year_fraction(start: date, end: date) -> float:
    """Years from ``start`` to ``end``: whole calendar years, then the rest in days/365."""
    whole = 0
    while add_years(start, whole + 1) <= end:
        whole += 1
    return whole + (end - add_years(start, whole)).days / 365.0
