"""Self-explaining input workbooks for ``roles plan`` (People) and ``roles status`` (Roster).

Each has an Instructions sheet, the input sheet with example rows that the commands accept
as they are, and reference sheets listing the valid values.
"""
from __future__ import annotations

from datetime import date, timedelta

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from planner.roles.catalog import RoleCatalog
from planner.roles.report import add_sources, write_table

KINDS = ("people", "roster")

PEOPLE_HELP = [
    "One row per person (and per License ID if their tasks differ between agreements).",
    "person: name. email: sign-in email (may be blank).",
    "tasks: comma-separated task ids from the Tasks sheet; blank = needs no VL task.",
    "current_roles (optional column): roles held today, comma-separated; current or "
    "retired VLSC names both work. Delete the column to skip the review.",
    "license_id (optional): the Agreement (License ID) the row is about.",
    "Replace the example rows, then run: planner roles plan THIS.xlsx",
]
ROSTER_HELP = [
    "One row per VL user as listed on Billing > Your products > Volume Licensing > "
    "Manage VL role assignments.",
    "person (or Display name), email (or Sign-in email), status as shown on the page.",
    "since: the date the status began (e.g. when the invitation was sent), Excel date or "
    "YYYY-MM-DD; used to chase old invitations (--pending-days, default 14).",
    "roles (optional): the Volume licensing roles column; license_id (optional).",
    "Replace the example rows, then run: planner roles status THIS.xlsx",
]
PEOPLE_EXAMPLE = [
    ["Ana Ruiz", "ana@example.com", "view_invoices, download_invoices", "Invoice Reader", ""],
    ["Ben Okafor", "ben@example.com", "view_contracts, download_software", "Administrator", ""],
    ["Chen Li", "chen@example.com", "manage_role_assignments, view_orders, view_contract_keys",
     "Administrator", ""],
    ["Dee Patel", "dee@example.com", "reserve_online_services, manage_subscriptions",
     "Online services manager, Licensing Info Viewer", ""],
]
ROSTER_EXAMPLE: list[tuple[str, str, str, int, str, str]] = [
    ("Ana Ruiz", "ana@example.com", "Active", 40, "Invoice Reader", ""),
    ("Ben Okafor", "ben@example.com", "Invitation sent", 21, "Product download manager", ""),
    ("Chen Li", "chen@example.com", "Failed", 3, "Administrator", ""),
    ("Dee Patel", "dee@example.com", "Invitation expired", 75, "Online services manager", ""),
    ("Eve Novak", "eve@fabrikam.com", "User not found", 2, "Benefits reader", ""),
    ("Femi Ade", "femi@example.com", "Assignment in Progress", 2, "Product keys reader", ""),
]
"""Example roster rows; the fourth value is how many days before today the status began
(an invitation older than the 14-day chase threshold, an assignment stuck for 2 days)."""


def roster_example(today: date | None = None) -> list[list]:
    """:data:`ROSTER_EXAMPLE` with each status's start date counted back from ``today``."""
    today = today or date.today()
    return [[name, email, status, today - timedelta(days=days), roles, note]
            for name, email, status, days, roles, note in ROSTER_EXAMPLE]


def _instructions(wb: Workbook, lines: list[str]) -> None:
    write_table(wb, "Instructions", ["how to fill this workbook"], [[line] for line in lines])


def people_template(catalog: RoleCatalog) -> Workbook:
    """Instructions, People (example rows), Tasks, Roles and Sources sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    _instructions(wb, PEOPLE_HELP)
    write_table(wb, "People", ["person", "email", "tasks", "current_roles", "license_id"],
                PEOPLE_EXAMPLE)
    write_table(wb, "Tasks", ["task", "description", "roles_permitting"],
                [[t.id, t.description,
                  ", ".join(catalog.role_names(catalog.roles_permitting(t.id)))]
                 for t in catalog.tasks])
    write_table(wb, "Roles", ["name", "vlsc_name", "aliases", "description"],
                [[r.name, r.vlsc_name, ", ".join(r.aliases), r.description]
                 for r in catalog.roles])
    add_sources(wb, catalog)
    wb.active = 1
    return wb


def roster_template(catalog: RoleCatalog, today: date | None = None) -> Workbook:
    """Instructions, Roster (example rows dated back from ``today``, status dropdown),
    Statuses and Sources sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    _instructions(wb, ROSTER_HELP)
    ws = write_table(wb, "Roster", ["person", "email", "status", "since", "roles", "license_id"],
                     roster_example(today))
    labels = ",".join(s.label for s in catalog.statuses)
    dropdown = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    dropdown.add("C2:C1000")
    ws.add_data_validation(dropdown)
    write_table(wb, "Statuses", ["status", "meaning", "action", "stale_after_days",
                                 "stale_action"],
                [[s.label, s.meaning, s.action, s.stale_after_days, s.stale_action]
                 for s in catalog.statuses])
    add_sources(wb, catalog)
    wb.active = 1
    return wb


def template(kind: str, catalog: RoleCatalog) -> Workbook:
    """The input workbook for ``kind`` (``people`` or ``roster``)."""
    return people_template(catalog) if kind == "people" else roster_template(catalog)
