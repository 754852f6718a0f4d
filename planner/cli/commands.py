"""``planner``: the command line. Parse, call the library, render; nothing else.

Deliberate errors (:class:`~planner.errors.PlannerError`) become one line per problem on
stderr and their exit code: 0 success, 1 no compliant plan, 2 bad input or usage,
3 time limit reached with a feasible plan (gap reported). An unexpected error is a bug:
one line and exit code 4, with the traceback only under ``--debug``.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from planner.catalog.view import KINDS
from planner.cli.support import FORCE_HELP, Command, Group, Settings, Solver, note, plural
from planner.cli.support import echo as _echo
from planner.cli.support import run as _run
from planner.cli.support import warn as _warn
from planner.cli.progress import terminal_progress
from planner.errors import InputError, Issue, SolverError
from planner.model.deadline import DeadlineReached
from planner.model.dump import ModelDump
from planner.outputs import check_folder, json_text, refuse_inputs, refuse_same_outputs
from planner.model.solver import DEFAULT_SOLVER
from planner.provenance import check_replaceable
from planner.vocabulary import BATCH_ENGINES

EXIT_TIME_LIMIT = 3


def _import_command():
    """``planner import``: build ORG.xlsx from a tenant's exports (planner/importer)."""
    from planner.importer.command import import_command

    single = typer.Typer(add_completion=False)
    single.command("import", cls=Command)(import_command)
    return typer.main.get_command(single)


def _roles_group():
    """``planner roles``: the Volume Licensing roles commands (planner/roles)."""
    from planner.roles.cli import app as roles_app

    return typer.main.get_group_from_info(
        typer.models.TyperInfo(roles_app, name="roles"), pretty_exceptions_short=app.pretty_exceptions_short,
        suggest_commands=app.suggest_commands, rich_markup_mode=app.rich_markup_mode)


# Subcommands whose modules (the tenant importer, the roles planner: pydantic, openpyxl
# styles, ...) are imported only when they run or a help page lists them, so that
# 'planner solve' does not pay for them. Listed after the eager ones, as before.
LAZY_COMMANDS = {"import": _import_command, "roles": _roles_group}


class _LazyGroup(Group):
    """The top-level command group, loading :data:`LAZY_COMMANDS` on first use."""

    def _load(self, name: str) -> None:
        if name in LAZY_COMMANDS and name not in self.commands:
            self.add_command(LAZY_COMMANDS[name](), name)

    def get_command(self, ctx, cmd_name):
        self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        for name in LAZY_COMMANDS:
            self._load(name)
        return super().list_commands(ctx)

    def command_names(self, ctx):
        """Every command name, without importing the lazy commands' modules."""
        return list(self.commands) + [n for n in LAZY_COMMANDS if n not in self.commands]


app = typer.Typer(
    cls=_LazyGroup,
    help="Cheapest compliant mix of Microsoft 365 licenses, and why.\n\n"
         "Start with 'planner template ORG.xlsx', fill it in, check it with "
         "'planner validate ORG.xlsx', then run 'planner solve ORG.xlsx'.",
    no_args_is_help=True, pretty_exceptions_show_locals=False, add_completion=False)


class At(str, Enum):
    """Planning points."""

    now = "now"
    renewal = "renewal"
    timeline = "timeline"


def _print_version(value: bool) -> None:
    if value:
        from planner.report.provenance import tool_version

        typer.echo(tool_version())
        raise typer.Exit(0)


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
) -> None:
    """Cheapest compliant mix of Microsoft 365 licenses, and why."""
    Settings.debug = debug


STRICT = typer.Option(False, "--strict", help="Treat every input warning as an error (exit 2).")
FORCE = typer.Option(False, "--force", help=FORCE_HELP)
JSON_ERRORS = "errors too are JSON on stdout"
PLAN_SUFFIXES = (".xlsx", ".csv")


def default_plan_path(org: Path, at: str) -> Path:
    """Where ``planner solve ORG`` writes its plan: ``ORG-plan.xlsx`` beside the input for
    ``--at now`` (the default), else ``ORG-plan-<at>.xlsx`` (``ORG-plan-renewal.xlsx``)."""
    stem = org.stem if org.suffix else org.name  # a folder of CSV files keeps its whole name
    suffix = "" if at == At.now.value else f"-{at}"
    return org.with_name(f"{stem}-plan{suffix}.xlsx")


def _check_plan_suffix(out: Path) -> None:
    if out.suffix.lower() not in PLAN_SUFFIXES:
        raise InputError(Issue(f"cannot write a plan as '{out.suffix or 'no suffix'}'",
                               out.name, hint="use .xlsx (the plan workbook) or .csv (one "
                                              "CSV file per table)"))


@app.command(cls=Command)
def solve(
    org: Path = typer.Argument(..., metavar="ORG.xlsx",
                               help="Organization workbook (see 'planner template'), or a "
                                    "folder of CSV files named like its sheets."),
    output: Path = typer.Option(None, "-o", "--output", metavar="PLAN.xlsx",
                                help="Plan workbook, or PLAN.csv for one CSV file per table "
                                     "(default: ORG-plan.xlsx beside the input; "
                                     "ORG-plan-renewal.xlsx with --at renewal, "
                                     "ORG-plan-timeline.xlsx with --at timeline)."),
    at: At = typer.Option(At.now, "--at", help="'now': running subscriptions and SA are paid "
                          "(sunk); 'renewal': keeping them is a priced choice at renewal_date; "
                          "'timeline': every period from now through the renewal, in one plan."),
    years: int = typer.Option(1, "--years", metavar="N", min=1,
                              help="With --at timeline: years planned after the renewal."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout and "
                                 f"nothing else ({JSON_ERRORS})."),
    solver: Solver = typer.Option(None, "--solver", show_default=False,
                                  help=f"The only MILP solver to use (default: {DEFAULT_SOLVER} in "
                                       "process, falling back to the other with a warning; the "
                                       "timeline and the alternatives' harder re-solves: CBC)."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="S", min=0.1,
                                     help="Wall-clock seconds for the whole run; then the best plan "
                                          "found is written (exit 3 if not proven optimal) and "
                                          "what was skipped is named."),
    alternatives: bool = typer.Option(None, "--alternatives/--no-alternatives", show_default=False,
                                      help="Compute each group's next cheapest choice (one extra "
                                           "solve per group; default: with at most 40 groups)."),
    lp_file: Path = typer.Option(None, "--lp-file", metavar="MODEL.lp",
                                 help="Also write the integer program (LP format, or MPS for "
                                      "a .mps name), with index names x1, c1, ... so it "
                                      "carries no organization text."),
    readable_names: bool = typer.Option(False, "--readable-names",
                                        help="Keep the model's own names (group names) in "
                                             "the --lp-file dump."),
    strict: bool = STRICT,
    force: bool = FORCE,
) -> None:
    """Find the cheapest compliant plan and write it as a purchase-plan workbook.

    Prints a summary (total, baseline, savings, status, gap, purchases) on stdout and
    writes PLAN.xlsx (Summary, Changes, Purchases, Cost by product, Assignments,
    Alternatives, Compliance, Checks, and a copy of the input sheets).
    The input is never modified; an existing plan is replaced only when planner wrote
    it and it is unchanged since, or with --force.
    """
    def body() -> int:
        from planner.pipeline import plan as make_plan
        from planner.report.csv_tables import csv_paths, write_plan_csv
        from planner.report.excel import write_plan
        from planner.input.validate import read_org

        out = output or default_plan_path(org, at.value)
        _check_plan_suffix(out)
        as_csv = out.suffix.lower() == ".csv"
        targets = csv_paths(out, timeline=at is At.timeline) if as_csv else [out]
        run_inputs = (org,)
        dump = ModelDump(lp_file, run_inputs, readable_names) if lp_file else None
        for target in targets:
            refuse_inputs(target, run_inputs, "plan")
            check_folder(target)
            check_replaceable(target, force)
        if dump:
            dump.check()
            refuse_inputs(dump.path, run_inputs, "model file")
            refuse_same_outputs([("plan", out), ("model file", dump.path)])
            check_replaceable(dump.path, force)
        inputs = read_org(org, strict=strict)  # its warnings are in the plan's messages
        progress = None if as_json else terminal_progress()
        try:
            result = make_plan(inputs, at=at.value, solver=solver.value if solver else None,
                               time_limit=time_limit, alternatives=alternatives, lp_file=dump,
                               years=years, progress=progress)
        except SolverError as err:
            if time_limit is None or not (isinstance(err, DeadlineReached)
                                          or "Not Solved" in str(err)):
                raise
            raise SolverError(f"{org.name}: no plan found within the time limit of "
                              f"{time_limit:g} s by any solver; raise --time-limit") from None
        finally:
            if progress:
                progress("done", 1, 1)
        if as_csv:
            written = write_plan_csv(result, out, inputs=run_inputs)
        else:
            written = [write_plan(result, out, inputs=run_inputs, org=inputs)]
        if as_json:
            _warn(result.messages)
            payload = result.to_json()
            payload["plan_file"] = str(written[0])
            if as_csv:
                payload["plan_files"] = [str(p) for p in written]
            typer.echo(json_text(payload))
        else:
            from planner.report.console import render_summary

            render_summary(result)  # shows result.messages as notes
            for path in written:
                note(f"wrote {path}")
        if result.status == "feasible":
            note(f"time limit reached: best plan found, gap "
                 f"{result.gap if result.gap is not None else 'unknown'}")
            return EXIT_TIME_LIMIT
        return 0
    _run(body, as_json=as_json)


@app.command(cls=Command)
def template(
    org: Path = typer.Argument(..., metavar="ORG.xlsx", help="Where to write the blank workbook."),
    force: bool = FORCE,
) -> None:
    """Write a blank, self-explaining input workbook (Instructions, dropdowns, examples)."""
    def body() -> None:
        from planner.input.template import write_template

        note(f"wrote {write_template(org, overwrite=force)}")
    _run(body)


@app.command(cls=Command)
def validate(org: Path = typer.Argument(..., metavar="ORG.xlsx",
                                        help="Organization workbook, or a folder of CSV files "
                                             "named like its sheets."),
             strict: bool = STRICT,
             as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on "
                                          f"stdout ({JSON_ERRORS}).")) -> None:
    """Check an input workbook and list every problem, each with sheet, row and column."""
    def body() -> None:
        from planner.input.validate import read_org

        inputs = read_org(org, strict=strict)
        users = sum(g.users for g in inputs.groups)
        if as_json:
            typer.echo(json_text({"status": "ok", "file": org.name,
                                  "groups": len(inputs.groups), "users": users,
                                  "holdings": len(inputs.holdings),
                                  "warnings": list(inputs.warnings)}))
            return
        _warn(inputs.warnings)
        _echo(f"{org.name}: OK ({plural(len(inputs.groups), 'group')}, "
              f"{plural(users, 'user')}, {plural(len(inputs.holdings), 'holding')})")
    _run(body, as_json=as_json)


@app.command("catalog", cls=Command)
def catalog_cmd(
    kind: str = typer.Option(None, "--kind", metavar="KIND", help="Only products of this kind ("
                             + ", ".join(KINDS) + "; see docs/nomenclature.md)."),
    price_list: str = typer.Option(None, "--price-list", metavar="ID",
                                   help="Prices from this list (default: the one in force today)."),
    as_json: bool = typer.Option(False, "--json", help=f"Print as JSON on stdout ({JSON_ERRORS})."),
) -> None:
    """List products (id, name, kind, basis, unit price, provides, requires), needs and profiles.

    On a narrow terminal or when piped (80 columns), each product is a block of lines
    instead of a table row, so no word is broken.
    """
    def body() -> None:
        from planner.catalog.view import catalog_tables, print_catalog

        tables = catalog_tables(kind=kind, price_list=price_list)
        if as_json:
            # RFC 8259: a missing value is null, never NaN
            records = {k: v.astype(object).where(v.notna(), None).to_dict(orient="records")
                       for k, v in tables.items()}
            typer.echo(json_text(records))
        else:
            print_catalog(tables)
    _run(body, as_json=as_json)


@app.command(cls=Command)
def audit(
    workbook: Path = typer.Argument(..., metavar="PLAN.xlsx|ORG.xlsx",
                                    help="A plan workbook, or the organization workbook when --plan is given."),
    plan_path: Path = typer.Option(None, "--plan", metavar="PLAN.xlsx", help="The plan to audit against ORG.xlsx."),
    as_json: bool = typer.Option(False, "--json", help="Print the violations as JSON on stdout "
                                 f"({JSON_ERRORS})."),
) -> None:
    """Re-check a plan (also one edited by hand) against the licensing rules.

    Uses a checker independent of the optimizer. With only PLAN.xlsx, the organization
    workbook named on the plan's Summary sheet is read from the plan's folder.
    Exit 0 when compliant, 1 when any rule is broken.
    """
    def body() -> int:
        from planner.audit.plan_file import audit_workbooks

        report = audit_workbooks(workbook, plan_path)
        if as_json:
            typer.echo(json_text(report.to_json()))
        else:
            for line in report.lines():
                _echo(line)
        return 0 if report.compliant else 1
    _run(body, as_json=as_json)


# Built from the batch engines' names, which mypy cannot enumerate.
EngineName = Enum("EngineName", {e: e for e in BATCH_ENGINES}, type=str)  # type: ignore[misc]


@app.command(cls=Command)
def batch(
    inputs: list[Path] = typer.Argument(..., metavar="INPUTS...",
                                        help="Organization workbooks, and folders searched for them."),
    out: Path = typer.Option(..., "--out", metavar="DIR",
                             help="Folder for each plan workbook and JSON result and batch-summary.xlsx/.csv."),
    at: At = typer.Option(At.now, "--at", help="Planning point of every workbook (as for 'planner solve')."),
    engine: EngineName = typer.Option("local", "--engine",
                                      help="local: a process pool on this machine; ray: Ray tasks "
                                      "(pip install 'planner\\[ray]'); serial: in this process."),
    address: str = typer.Option(None, "--address", metavar="ADDR",
                                help="Ray cluster to use (with --engine ray), e.g. ray://head:10001 or auto."),
    workers: int = typer.Option(None, "--workers", metavar="N", min=1,
                                help="Worker processes (default: one per core)."),
    resume: bool = typer.Option(False, "--resume", help="Skip inputs whose result in DIR is newer than the input."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="S", min=0.1,
                                     help="Seconds for the whole run; workbooks not started by then are skipped."),
    force: bool = FORCE,
) -> None:
    """Plan many organization workbooks: a plan and a JSON result each, and a summary.

    A workbook that cannot be planned gets a summary row saying why
    (the line 'planner solve' prints) and never stops the others.
    Exit 0 when every workbook was planned, else the largest exit code among them.
    See docs/batch.md.
    """
    from planner.batch.commands import batch as run_batch

    _run(lambda: run_batch(inputs, out, at=at.value, engine=engine.value, address=address,
                           workers=workers, resume=resume, time_limit=time_limit,
                           force=force))


@app.command(cls=Command)
def sweep(
    org: Path = typer.Argument(..., metavar="ORG.xlsx", help="Organization workbook."),
    spec: Path = typer.Argument(..., metavar="SPEC.yaml", help="What varies and how (see docs/batch.md)."),
    draws: int = typer.Option(100, "--draws", metavar="N", min=1, help="Number of draws."),
    seed: int = typer.Option(0, "--seed", metavar="S", min=0,
                             help="Seed: the same seed gives the same draws on any engine."),
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Folder for draws.csv/.xlsx and sweep-summary.xlsx."),
    at: At = typer.Option(At.now, "--at", help="Planning point (as for 'planner solve')."),
    engine: EngineName = typer.Option("local", "--engine", help="local, ray or serial (as for 'planner batch')."),
    address: str = typer.Option(None, "--address", metavar="ADDR", help="Ray cluster to use (with --engine ray)."),
    workers: int = typer.Option(None, "--workers", metavar="N", min=1,
                                help="Worker processes (default: one per core)."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="S", min=0.1,
                                     help="Seconds for the whole sweep; draws not started by then are skipped."),
) -> None:
    """Monte Carlo: plan an organization under N random draws of its inputs.

    Prices, Copilot and agent adoption and headcount growth vary as SPEC.yaml says.
    Writes the table of draws (draws.csv, draws.xlsx) and sweep-summary.xlsx
    (percentiles of cost and savings, histograms).
    See docs/batch.md for the SPEC.yaml format.
    """
    from planner.batch.commands import sweep as run_sweep

    _run(lambda: run_sweep(org, spec, out, draws=draws, seed=seed, at=at.value,
                           engine=engine.value, address=address, workers=workers,
                           time_limit=time_limit))



def main() -> None:
    """Console-script entry point."""
    app(prog_name="planner")


if __name__ == "__main__":
    main()
