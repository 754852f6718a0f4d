"""What every ``planner`` command shares: running a body with errors mapped to exit codes.

Deliberate errors (:class:`~planner.errors.PlannerError`) become one line per problem on
stderr and their exit code; an unexpected exception is a bug: one line and exit code 4,
with the traceback only when ``--debug`` was given.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from planner.cli import signals
from planner.errors import InputError, PlannerError
from planner.outputs import JOURNAL

EXIT_BUG = 4


class Settings:
    """Options of the top-level command that every subcommand honours."""

    debug = False


def error_report(exc: Exception) -> tuple[list[str], int]:
    """The lines a command prints on stderr for ``exc``, and the exit code it returns.

    A :class:`~planner.errors.PlannerError` gives its own lines and code; an ``OSError``
    (disk full, permission) names the file, exit 2; anything else is a bug, exit 4.
    ``planner batch`` uses it to give each failed input the line ``planner solve`` prints.
    """
    if isinstance(exc, PlannerError):
        return exc.lines(), exc.exit_code
    if isinstance(exc, OSError):  # the file system said no: not a bug
        where = Path(exc.filename).name if getattr(exc, "filename", None) else ""
        text = exc.strerror or str(exc) or type(exc).__name__
        line = f"{where}: {text}" if where else f"cannot read or write a file: {text}"
        return [line], InputError.exit_code
    return [(f"internal error: {type(exc).__name__}: {exc} (a bug; rerun with --debug "
             "for the traceback and please report it)")], EXIT_BUG


def run(body: Callable[[], int | None]) -> None:
    """Run a command body and exit with its return code (0 when it returns None)."""
    JOURNAL.reset(listener=lambda text: warn([text]))
    try:
        with signals.handled():
            code = body() or 0
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: cleanup has run in finally blocks
        typer.echo(signals.interrupted_line(JOURNAL), err=True)
        raise typer.Exit(signals.exit_code(exc)) from None
    except Exception as exc:  # a bug is re-raised under --debug; the rest is one line each
        if Settings.debug and not isinstance(exc, (PlannerError, OSError)):
            raise
        lines, exit_code = error_report(exc)
        for line in lines:
            typer.echo(line, err=True)
        raise typer.Exit(exit_code) from None
    raise typer.Exit(code)


def warn(lines) -> None:
    """Print each line as a warning on stderr."""
    for line in lines:
        typer.echo(f"warning: {line}", err=True)
