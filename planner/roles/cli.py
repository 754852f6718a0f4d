"""``planner roles``: least-privilege VL role planning, assignment status, templates.

Thin glue over the library: read, compute, render. Deliberate errors
(:class:`~planner.errors.PlannerError`) become one line per problem on stderr and the
error's exit code; ``--json`` keeps stdout to JSON alone.
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console

from planner.cli.support import FORCE_HELP, Command, Group, Solver, note
from planner.cli.support import run as _run
from planner.cli.support import warn as _warn
from planner.errors import InputError, Issue
from planner.model.solver import PULP_DEFAULT_SOLVER
from planner.outputs import json_text, refuse_inputs
from planner.provenance import check_replaceable
from planner.roles.catalog import load_role_catalog
from planner.roles.console import print_plan, print_status
from planner.roles.people import read_people
from planner.roles.plan import plan_roles
from planner.roles.report import plan_workbook, save, status_workbook
from planner.roles.roster import read_roster
from planner.roles.status import assess
from planner.roles.template import template as build_template

app = typer.Typer(
    help="Volume Licensing roles: least-privilege role plans, assignment status, templates.",
    cls=Group, no_args_is_help=True, pretty_exceptions_show_locals=False)


class Kind(str, Enum):
    """Input workbooks the template command writes."""

    people = "people"
    roster = "roster"


def _output(given: Path | None, source: Path, suffix: str) -> Path:
    return given if given is not None else source.with_name(f"{source.stem}-{suffix}.xlsx")


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Issue(f"--as-of '{text}' is not a date; use YYYY-MM-DD")) from None


@app.command(cls=Command)
def plan(
    people: Path = typer.Argument(..., metavar="PEOPLE.xlsx", help="People workbook."),
    output: Path = typer.Option(None, "-o", "--output", metavar="OUT.xlsx",
                                help="Plan workbook (default: PEOPLE-roles.xlsx beside "
                                     "the input)."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON on stdout."),
    solver: Solver = typer.Option(None, "--solver", show_default=False,
                                  help=f"The only MILP solver to use (default: {PULP_DEFAULT_SOLVER}, "
                                       "falling back to the other with a warning)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Give each person the least-privilege VL roles covering their tasks; flag today's roles.

    Exit 1 when a person needs tasks no allowed role set covers (Administrator and
    Invoice Reader can't be combined).
    """
    def body() -> None:
        target = _output(output, people, "roles")
        refuse_inputs(target, (people,), "roles plan")
        check_replaceable(target, force)
        catalog = load_role_catalog()
        sheet = read_people(people, catalog)
        _warn(sheet.warnings)
        result = plan_roles(sheet.people, catalog, solver.value if solver else None,
                            sheet.file, sheet.sheet)
        out = save(plan_workbook(result, catalog), target, inputs=(people,))
        if as_json:
            typer.echo(json_text(result.to_dict(catalog)))
        else:
            print_plan(result, catalog, Console())
        note(f"wrote {out}")
    _run(body, as_json=as_json)


@app.command(cls=Command)
def status(
    roster: Path = typer.Argument(..., metavar="ROSTER.xlsx", help="Roster workbook."),
    output: Path = typer.Option(None, "-o", "--output", metavar="OUT.xlsx",
                                help="Status workbook (default: ROSTER-status.xlsx beside "
                                     "the input)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
    pending_days: int = typer.Option(None, "--pending-days", metavar="N",
                                     help="Chase invitations sent more than N days ago "
                                          "(default: 14)."),
    progress_days: int = typer.Option(None, "--progress-days", metavar="N",
                                      help="Flag assignments in progress for more than N "
                                           "days (default: 1)."),
    as_of: str = typer.Option(None, "--as-of", metavar="DATE",
                              help="Measure ages to this date (YYYY-MM-DD) (default: today)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Count VL assignment statuses and list the action each one needs."""
    def body() -> None:
        target = _output(output, roster, "status")
        refuse_inputs(target, (roster,), "status report")
        check_replaceable(target, force)
        catalog = load_role_catalog()
        day = _as_of(as_of)
        data = read_roster(roster, catalog)
        _warn(data.warnings)
        report = assess(data, catalog, day, pending_days, progress_days)
        out = save(status_workbook(report, catalog), target, inputs=(roster,))
        if as_json:
            typer.echo(json_text(report.to_dict(catalog)))
        else:
            print_status(report, catalog, Console())
        note(f"wrote {out}")
    _run(body, as_json=as_json)


@app.command(cls=Command)
def template(
    output: Path = typer.Argument(..., metavar="OUT.xlsx", help="Workbook to write."),
    kind: Kind = typer.Option(Kind.people, "--kind", help="people (for plan) or roster "
                                                          "(for status)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Write a self-explaining input workbook with example rows."""
    def body() -> None:
        check_replaceable(output, force)
        out = save(build_template(kind.value, load_role_catalog()), output)
        note(f"wrote {out}")
    _run(body)
