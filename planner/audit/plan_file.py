"""``planner audit``: read a plan workbook (and its organization) and audit it.

Product ids are compared case-insensitively, as in the input workbook. Two workbooks
given the wrong way round (the plan first, the organization with ``--plan``) are named
in one line; an arithmetic mismatch names its cell (``Purchases!F5``) and the value
expected there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.audit.checks import Violation, audit
from planner.catalog.load import load_catalog
from planner.errors import InputError, Issue
from planner.input.sheets import normalise

USAGE_HINT = "run 'planner audit ORG.xlsx --plan PLAN.xlsx'"


@dataclass
class AuditReport:
    """Violations of one plan workbook.

    ``cells`` maps a violation's index to the cell at fault (``Purchases!F5``).
    """

    plan_file: str
    org_file: str
    violations: list[Violation]
    cells: dict[int, str] = field(default_factory=dict)

    @property
    def compliant(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    def lines(self) -> list[str]:
        """One line per violation, or one line saying the plan is compliant."""
        if self.compliant:
            return [f"{self.plan_file}: compliant (audited against {self.org_file})"]
        return [f"{self.plan_file}" + (f", cell {self.cells[i]}" if i in self.cells else "")
                + f": {v}" for i, v in enumerate(self.violations)]

    def to_json(self) -> dict:
        """Machine-readable report (each violation with its ``cell`` or null)."""
        return {"plan": self.plan_file, "organization": self.org_file, "compliant": self.compliant,
                "violations": [{**vars(v), "cell": self.cells.get(i)}
                               for i, v in enumerate(self.violations)]}


def _summary_value(summary, field: str):
    rows = summary[summary["field"] == field]["value"]
    return None if rows.empty else rows.iloc[0]


def workbook_kind(path: Path) -> str | None:
    """``plan`` (a Purchases sheet), ``organization`` (Groups and no Purchases), or None.

    None also when the file cannot be opened; reading it then reports why.
    """
    from planner.input.sheets import open_workbook

    try:
        wb = open_workbook(path)
    except InputError:
        return None
    try:
        titles = {normalise(ws.title) for ws in wb.worksheets}
    finally:
        wb.close()
    if "purchases" in titles:
        return "plan"
    return "organization" if {"groups", "personas"} & titles else None


def _check_roles(org_file: Path | None, plan_file: Path) -> None:
    """One line when the plan and the organization workbook are given the wrong way round."""
    if workbook_kind(plan_file) != "organization":
        return
    if org_file is not None and workbook_kind(org_file) == "plan":
        raise InputError(Issue(
            f"the workbooks are the wrong way round: {plan_file.name} is the organization "
            f"and {org_file.name} is the plan", plan_file.name,
            hint=f"run 'planner audit {plan_file.name} --plan {org_file.name}'"))
    raise InputError(Issue("is an organization workbook, not a plan", plan_file.name,
                           hint=f"run 'planner audit {plan_file.name} --plan PLAN.xlsx'"))


def _ids(text) -> str:
    """Product ids as the catalog spells them (lower case), ``a + b`` kept as a list."""
    if not isinstance(text, str):
        return text
    return " + ".join(part.strip().lower() for part in text.split("+"))


def normalise_products(purchases: pd.DataFrame, assignments: pd.DataFrame) -> None:
    """Lower-case and trim the product ids of the plan's tables, in place."""
    purchases["product"] = purchases["product"].map(
        lambda v: v.strip().lower() if isinstance(v, str) else v)
    assignments["products"] = assignments["products"].map(_ids)


def _column_letters(plan_file: Path, sheet: str) -> dict[str, str]:
    """Header name (normalised) -> column letter of ``sheet`` in the plan workbook."""
    from openpyxl.utils import get_column_letter

    from planner.input.sheets import find_sheet, open_workbook

    wb = open_workbook(plan_file)
    try:
        ws = find_sheet(wb, normalise(sheet))
        header = next(ws.iter_rows(max_row=1, values_only=True), ()) if ws is not None else ()
    finally:
        wb.close()
    return {normalise(v): get_column_letter(i) for i, v in enumerate(header, 1) if v}


def _cells(plan_file: Path, violations: list[Violation]) -> dict[int, str]:
    located = [(i, v) for i, v in enumerate(violations) if v.row is not None and v.column]
    if not located:
        return {}
    letters = _column_letters(plan_file, "Purchases")
    return {i: f"Purchases!{letters[v.column]}{v.row}" for i, v in located
            if v.column in letters}


def audit_workbooks(first: Path, plan_path: Path | None = None) -> AuditReport:
    """Audit ``plan_path`` against organization ``first``, or plan ``first`` alone.

    With one workbook, the organization file named on its Summary sheet is looked up in
    the plan's folder.

    Raises
    ------
    InputError
        When a workbook cannot be read, the two are given the wrong way round, or the
        organization file cannot be found.
    """
    from planner.report.excel import read_plan
    from planner.input.validate import read_org

    first = Path(first)
    plan_file = Path(plan_path) if plan_path else first
    _check_roles(first if plan_path else None, plan_file)
    tables = read_plan(plan_file)
    summary = tables["Summary"]
    if plan_path:
        org_file = first
    else:
        source = _summary_value(summary, "source_file")
        if not source:
            raise InputError(Issue("the plan does not name its organization workbook",
                                   plan_file.name, "Summary", hint=USAGE_HINT))
        org_file = plan_file.parent / Path(str(source)).name
        if not org_file.exists():
            raise InputError(Issue(f"organization workbook '{org_file.name}' named on the Summary "
                                   "sheet is not beside the plan", plan_file.name, "Summary",
                                   hint=USAGE_HINT))
    inputs = read_org(org_file)
    at = str(_summary_value(summary, "at") or "now")
    annual = _summary_value(summary, "annual_cost")
    normalise_products(tables["Purchases"], tables["Assignments"])
    violations = audit(inputs, load_catalog(), tables["Purchases"], tables["Assignments"], at,
                       None if annual is None else float(annual))
    return AuditReport(plan_file.name, org_file.name, violations, _cells(plan_file, violations))
