"""``planner audit``: read a plan workbook (and its organization) and audit it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.audit.checks import Violation, audit
from planner.catalog.load import load_catalog
from planner.errors import InputError, Issue


@dataclass
class AuditReport:
    """Violations of one plan workbook."""

    plan_file: str
    org_file: str
    violations: list[Violation]

    @property
    def compliant(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    def lines(self) -> list[str]:
        """One line per violation, or one line saying the plan is compliant."""
        if self.compliant:
            return [f"{self.plan_file}: compliant (audited against {self.org_file})"]
        return [f"{self.plan_file}: {v}" for v in self.violations]

    def to_json(self) -> dict:
        """Machine-readable report."""
        return {"plan": self.plan_file, "organization": self.org_file, "compliant": self.compliant,
                "violations": [vars(v) for v in self.violations]}


def _summary_value(summary, field: str):
    rows = summary[summary["field"] == field]["value"]
    return None if rows.empty else rows.iloc[0]


def audit_workbooks(first: Path, plan_path: Path | None = None) -> AuditReport:
    """Audit ``plan_path`` against organization ``first``, or plan ``first`` alone.

    With one workbook, the organization file named on its Summary sheet is looked up in
    the plan's folder.

    Raises
    ------
    InputError
        When a workbook cannot be read or the organization file cannot be found.
    """
    from planner.report.excel import read_plan
    from planner.input.validate import read_org

    first = Path(first)
    plan_file = Path(plan_path) if plan_path else first
    tables = read_plan(plan_file)
    summary = tables["Summary"]
    if plan_path:
        org_file = first
    else:
        source = _summary_value(summary, "source_file")
        if not source:
            raise InputError(Issue("the plan does not name its organization workbook", plan_file.name,
                                   "Summary", hint="run 'planner audit ORG.xlsx --plan PLAN.xlsx'"))
        org_file = plan_file.parent / Path(str(source)).name
        if not org_file.exists():
            raise InputError(Issue(f"organization workbook '{org_file.name}' named on the Summary "
                                   "sheet is not beside the plan", plan_file.name, "Summary",
                                   hint="run 'planner audit ORG.xlsx --plan PLAN.xlsx'"))
    inputs = read_org(org_file)
    at = str(_summary_value(summary, "at") or "now")
    annual = _summary_value(summary, "annual_cost")
    violations = audit(inputs, load_catalog(), tables["Purchases"], tables["Assignments"], at,
                       None if annual is None else float(annual))
    return AuditReport(plan_file.name, org_file.name, violations)
