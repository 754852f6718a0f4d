"""Rich tables for the terminal: the human view of a role plan or status report."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from planner.roles.catalog import RoleCatalog
from planner.roles.plan import RolePlan
from planner.roles.status import StatusReport


def print_plan(plan: RolePlan, catalog: RoleCatalog, console: Console) -> None:
    """One line per person: tasks, least-privilege roles, verdict on today's roles."""
    table = Table(title="Least-privilege VL roles")
    for col in ("person", "tasks", "roles", "extra tasks", "current", "verdict"):
        table.add_column(col, overflow="fold")
    for pp in plan.people:
        p, f = pp.person, pp.finding
        table.add_row(p.person, ", ".join(p.tasks), ", ".join(catalog.role_names(pp.roles)),
                      ", ".join(pp.extra),
                      "" if p.current_roles is None else ", ".join(
                          catalog.role_names(p.current_roles)),
                      "" if f is None else f.verdict,
                      style="bold red" if f is not None and f.flags else None)
    console.print(table)
    console.print(f"{len(plan.people)} people, {len(plan.flagged())} with roles to change")


def print_status(report: StatusReport, catalog: RoleCatalog, console: Console) -> None:
    """Counts per status, then one line per assignment that needs action."""
    counts = Table(title=f"VL assignment statuses as of {report.as_of}")
    counts.add_column("status")
    counts.add_column("count", justify="right")
    for s in catalog.statuses:
        counts.add_row(s.label, str(report.counts[s.label]))
    console.print(counts)
    actions = report.actions()
    if not actions:
        console.print("No assignment needs action.")
        return
    table = Table(title="Needs action")
    for col in ("person", "email", "status", "age (days)", "action", "reason"):
        table.add_column(col, overflow="fold")
    for i in actions:
        a = i.assignment
        table.add_row(a.person, a.email or "", i.label,
                      "" if i.age_days is None else str(i.age_days), i.action, i.reason)
    console.print(table)
