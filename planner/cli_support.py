"""What every ``planner`` command shares: running a body with errors mapped to exit codes.

Deliberate errors (:class:`~planner.errors.PlannerError`) become one line per problem on
stderr and their exit code; an unexpected exception is a bug: one line and exit code 4,
with the traceback only when ``--debug`` was given.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from .errors import InputError, PlannerError
from .outputs import JOURNAL

EXIT_BUG = 4


class Settings:
    """Options of the top-level command that every subcommand honours."""

    debug = False


def run(body: Callable[[], int | None]) -> None:
    """Run a command body and exit with its return code (0 when it returns None)."""
    JOURNAL.reset(listener=lambda text: warn([text]))
    try:
        code = body() or 0
    except PlannerError as err:
        for line in err.lines():
            typer.echo(line, err=True)
        raise typer.Exit(err.exit_code) from None
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was written", err=True)
        raise typer.Exit(130) from None
    except OSError as exc:  # the file system said no (disk full, permission): not a bug
        where = Path(exc.filename).name if getattr(exc, "filename", None) else ""
        text = exc.strerror or str(exc) or type(exc).__name__
        typer.echo(f"{where}: {text}" if where else f"cannot read or write a file: {text}", err=True)
        raise typer.Exit(InputError.exit_code) from None
    except Exception as exc:  # a bug: say so in one line unless --debug
        if Settings.debug:
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (a bug; rerun with --debug "
                   "for the traceback and please report it)", err=True)
        raise typer.Exit(EXIT_BUG) from None
    raise typer.Exit(code)


def warn(lines) -> None:
    """Print each line as a warning on stderr."""
    for line in lines:
        typer.echo(f"warning: {line}", err=True)
