"""Errors the planner raises on purpose, each with the exit code the CLI maps it to.

Anything else that escapes is a bug. The CLI turns these into one line per problem
on stderr and never shows a traceback for them.
"""
from __future__ import annotations

from dataclasses import dataclass


def visible(text: str) -> str:
    """``text`` with every character a terminal would not show as itself escaped.

    Bidi controls (``\\u202e`` turns the rest of a line around), zero-width characters,
    other format and control characters, non-breaking and other unusual spaces, and line
    breaks inside a cell value are written as ``\\uXXXX`` (``\\n`` etc. for the usual
    controls), so a message about a cell shows what the cell holds and stays one line.
    Every message of :mod:`planner.errors` is written through it.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if char in "\n\r\t":
        return repr(char)[1:-1]
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file.

    Parameters
    ----------
    message : str
        What is wrong, in the user's words.
    file : str
        File name (not the full path) the problem is in.
    sheet : str, optional
        Sheet name as the user spelled it.
    row : int, optional
        Excel row number (1-based, header is row 1).
    column : str, optional
        Column header as the user spelled it.
    hint : str, optional
        How to fix it ("did you mean ...").
    severity : str
        ``"error"`` (blocks the solve) or ``"warning"`` (reported, ignored).
    """

    message: str
    file: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    hint: str | None = None
    severity: str = "error"

    def location(self) -> str:
        """``file, sheet S, row R, column C`` with the parts that are known."""
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}" if self.location() else self.message
        if self.hint:
            text += f" ({self.hint})"
        return visible(text)


class PlannerError(Exception):
    """Base of the planner's deliberate errors; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def lines(self) -> list[str]:
        """The message as one line per problem."""
        return [visible(line) for line in str(self).splitlines()] or [""]


class InputError(PlannerError):
    """Bad input or bad usage: every problem found, not only the first (exit code 2)."""

    exit_code = 2

    def __init__(self, issues: list[Issue] | Issue | str):
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues = [i for i in issues if i.severity == "error"] or list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def lines(self) -> list[str]:
        """One line per issue, as printed."""
        return [str(i) for i in self.issues]


class CatalogError(PlannerError):
    """The shipped or a user-supplied catalog is inconsistent (names file and entry)."""

    exit_code = 2


@dataclass(frozen=True)
class Shortfall:
    """A need of a group that no compliant product can meet, and why.

    ``fix`` is the closest fix in words; ``change`` the same fix as a change to the workbook
    (``group.primary_device=windows_pro``, ``org.agreement=EA``), from catalog
    rules/fixes.csv; ``code`` names the blocking rule (``planner.vocabulary``).
    """

    group: str
    need: str
    reason: str
    fix: str | None = None
    change: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        text = f"group '{self.group}' cannot be licensed for '{self.need}': {self.reason}"
        return visible(text + (f"; closest fix: {self.fix}" if self.fix else ""))


class NoCompliantPlan(PlannerError):
    """The organization has no compliant plan (exit code 1)."""

    exit_code = 1

    def __init__(self, shortfalls: list[Shortfall]):
        self.shortfalls = shortfalls
        super().__init__("\n".join(str(s) for s in shortfalls) or "no compliant plan exists")

    def lines(self) -> list[str]:
        """One line per shortfall, as printed."""
        return [str(s) for s in self.shortfalls] or [str(self)]


class SolverError(PlannerError):
    """No solver could be run (missing, crashed on every fallback)."""

    exit_code = 2
