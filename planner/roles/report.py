"""Excel rendering of role plans and status reports (and the sheets templates share).

Only renders: every value comes from a :class:`RolePlan`, :class:`StatusReport` or the
catalog. Files are written with :func:`planner.outputs.write_workbook`: whole or not at all,
never over an input.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from planner.report.layout import print_setup, wrap_columns
from planner.outputs import write_workbook
from planner.roles.catalog import RoleCatalog
from planner.roles.plan import RolePlan
from planner.roles.status import StatusReport

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
MAX_WIDTH = 60


def write_table(wb: Workbook, title: str, header: list[str], rows: list[list],
                flag_column: str | None = None):
    """Add a sheet with a bold, frozen header, fitted widths and wrapped long text.

    Rows whose ``flag_column`` value is set and is not ``"ok"`` or ``"no"`` are shaded.
    The sheet prints in landscape, all columns on one page width, header repeated.
    """
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    ws.freeze_panes = "A2"
    for idx, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[idx - 1] or "")) for r in rows])
        ws.column_dimensions[get_column_letter(idx)].width = min(width + 2, MAX_WIDTH)
    wrap_columns(ws, range(1, len(header) + 1), MAX_WIDTH)
    if flag_column in header:
        col = header.index(flag_column)
        for row in ws.iter_rows(min_row=2):
            if row[col].value not in (None, "", "ok", "no"):
                for cell in row:
                    cell.fill = FLAG_FILL
    print_setup(ws)
    return ws


def _names(catalog: RoleCatalog, role_ids) -> str:
    return ", ".join(catalog.role_names(role_ids))


def add_reference(wb: Workbook, catalog: RoleCatalog) -> None:
    """``Roles`` (task x role matrix), ``Role names`` and ``Sources`` sheets."""
    write_table(wb, "Roles", ["task", "description"] + [r.name for r in catalog.roles],
                [[t.id, t.description] + ["yes" if t.id in r.tasks else "" for r in catalog.roles]
                 for t in catalog.tasks])
    write_table(wb, "Role names", ["role", "name", "vlsc_name", "aliases", "description",
                                   "source"],
                [[r.id, r.name, r.vlsc_name, ", ".join(r.aliases), r.description,
                  "; ".join(r.source)] for r in catalog.roles])
    add_sources(wb, catalog)


def add_sources(wb: Workbook, catalog: RoleCatalog) -> None:
    """``Sources`` sheet: every document the catalog rows cite (without the catalog's
    working notes, which are for its maintainers)."""
    write_table(wb, "Sources", ["source", "title", "url", "date", "kind"],
                [[s.id, s.title, s.url, s.date, s.kind] for s in catalog.sources])


def plan_workbook(plan: RolePlan, catalog: RoleCatalog) -> Workbook:
    """``Plan`` (one row per person), ``Changes`` (flagged people), and the reference."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = []
    for pp in plan.people:
        p, f = pp.person, pp.finding
        rows.append([p.person, p.email, p.license_id, ", ".join(p.tasks),
                     _names(catalog, pp.roles), ", ".join(pp.extra), pp.why,
                     None if p.current_roles is None else _names(catalog, p.current_roles),
                     None if f is None else f.verdict])
    write_table(wb, "Plan", ["person", "email", "license_id", "tasks", "least_privilege_roles",
                             "extra_tasks", "why", "current_roles", "verdict"], rows, "verdict")
    changes = [[pp.person.person, pp.person.license_id, f.verdict,
                ", ".join(f.missing), ", ".join(f.extra),
                _names(catalog, f.add), _names(catalog, f.remove),
                "; ".join(f.notes)] for pp in plan.flagged() if (f := pp.finding) is not None]
    write_table(wb, "Changes", ["person", "license_id", "verdict", "missing_tasks",
                                "unneeded_tasks", "add_roles", "remove_roles", "notes"],
                changes)
    add_reference(wb, catalog)
    return wb


def status_workbook(report: StatusReport, catalog: RoleCatalog) -> Workbook:
    """``Summary`` (count and action per status), ``Actions``, ``Assignments``, ``Sources``."""
    wb = Workbook()
    wb.remove(wb.active)
    write_table(wb, "Summary", ["status", "count", "meaning", "action", "stale_after_days"],
                [[s.label, report.counts[s.label], s.meaning, s.action,
                  report.stale_after.get(s.id)] for s in catalog.statuses])
    header = ["person", "email", "license_id", "status", "since", "age_days", "roles",
              "needs_action", "action", "reason"]

    def line(i):
        a = i.assignment
        return [a.person, a.email, a.license_id, i.label, a.since, i.age_days,
                _names(catalog, a.roles), "yes" if i.needs_action else "no", i.action,
                i.reason]

    write_table(wb, "Actions", header, [line(i) for i in report.actions()])
    write_table(wb, "Assignments", header, [line(i) for i in report.items], "needs_action")
    for ws in (wb["Actions"], wb["Assignments"]):
        for (cell,) in ws.iter_rows(min_row=2, min_col=5, max_col=5):
            cell.number_format = "yyyy-mm-dd"
    add_sources(wb, catalog)
    return wb


def save(wb: Workbook, out: Path, inputs: tuple = ()) -> Path:
    """Write ``wb`` atomically to ``out`` (refusing to overwrite any of ``inputs``)."""
    return write_workbook(wb, out, inputs=inputs)
