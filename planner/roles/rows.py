"""Row validation shared by the People and Roster readers.

Each sheet's rows are described by a pydantic model whose fields use the annotated types
below, so the per-column rules are declared once. :func:`validate_rows` turns every
validation error into a located :class:`~planner.errors.Issue`; :func:`resolve_ids` maps
user spellings to catalog ids with a "did you mean" hint.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from planner.errors import InputError, Issue
from planner.input.dates import optional_date
from planner.input.sheets import Table, find_sheet, normalise
from planner.roles.catalog import suggest

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_SEPARATORS = re.compile(r"[,;\n]")


def _text(value: Any) -> str:
    if value is None:
        raise ValueError("value required")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _email(value: Any) -> str | None:
    if value is None:
        return None
    text = _text(value)
    if not EMAIL.match(text):
        raise ValueError(f"'{text}' is not an email address")
    return text.lower()


def split_list(value: Any) -> tuple[str, ...]:
    """A cell holding a comma-separated list (``;`` and line breaks also separate)."""
    if value is None:
        return ()
    return tuple(p.strip() for p in LIST_SEPARATORS.split(str(value)) if p.strip())


def _day(value: Any) -> date | None:
    return optional_date(value)


Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Email = Annotated[str | None, BeforeValidator(_email)]
IdList = Annotated[tuple[str, ...], BeforeValidator(split_list)]
Day = Annotated[date | None, BeforeValidator(_day)]


class RowModel(BaseModel):
    """Base of the row models: unknown keys are ignored, values are immutable."""

    model_config = ConfigDict(extra="ignore", frozen=True)


M = TypeVar("M", bound=RowModel)


def validate_rows(table: Table, model: type[M], issues: list[Issue]) -> list[tuple[int, M]]:
    """Validate every row of ``table`` against ``model``.

    Returns
    -------
    list of (int, model)
        Excel row number and validated row, for the rows without errors. Each error is
        appended to ``issues`` with the row and column it is in.
    """
    valid = []
    for row, record in table.rows:
        try:
            valid.append((row, model.model_validate(record)))
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                message = err["msg"].removeprefix("Value error, ")
                issues.append(table.issue(message, row, column))
    return valid


def resolve_ids(values: tuple[str, ...], lookup: dict[str, str], what: str, table: Table,
                row: int, column: str, issues: list[Issue],
                shown: dict[str, str] | None = None) -> tuple[str, ...]:
    """Map user spellings to catalog ids; an unknown spelling becomes an Issue.

    Parameters
    ----------
    values : tuple of str
        Spellings as written in the cell.
    lookup : dict
        Normalised spelling -> id.
    what : str
        Noun for messages ("task", "role", "status").
    shown : dict, optional
        Id -> the spelling to suggest (default: the id itself).

    Returns
    -------
    tuple of str
        The ids found, in the order written, without duplicates.
    """
    shown = shown or {}
    found: list[str] = []
    for value in values:
        key = normalise(value)
        if key in lookup:
            if lookup[key] not in found:
                found.append(lookup[key])
            continue
        close = suggest(key, lookup)
        names = list(dict.fromkeys(shown.get(lookup[c], lookup[c]) for c in close))
        hint = (f"did you mean {' or '.join(repr(n) for n in names)}?" if names else
                "valid: " + ", ".join(dict.fromkeys(shown.get(i, i) for i in lookup.values())))
        issues.append(table.issue(f"unknown {what} '{value}'", row, column, hint))
    return tuple(found)


def pick_sheet(wb, wanted: str) -> str:
    """``wanted`` if the workbook has it, else the name of its only sheet, else ``wanted``.

    Lets a workbook with a single, differently named sheet (a pasted export) be read.
    """
    if find_sheet(wb, wanted) is None and len(wb.worksheets) == 1:
        return normalise(wb.worksheets[0].title)
    return wanted


def raise_if_errors(issues: list[Issue]) -> tuple[Issue, ...]:
    """Raise InputError with every error in row order; else return the warnings."""
    issues = sorted(issues, key=lambda i: i.row or 0)
    if any(i.severity == "error" for i in issues):
        raise InputError(issues)
    return tuple(issues)
