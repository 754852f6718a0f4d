"""What every ``planner`` command shares: running a body with errors mapped to exit codes.

The streams, for every command: results on stdout (tables, or JSON with ``--json``),
progress, warnings and diagnostics on stderr. Deliberate errors
(:class:`~planner.errors.PlannerError`) become one line per problem on stderr and their
exit code, or with ``--json`` one JSON object on stdout (:func:`error_json`) with the same
exit code; an unexpected exception is a bug: one line and exit code 4, with the traceback
only when ``--debug`` was given. Usage errors (a misspelt ``--at``) are one plain line too
(:class:`Command`).
"""
from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from planner.cli import signals
from planner.errors import InputError, Issue, PlannerError, visible
from planner.outputs import JOURNAL, json_text
from planner.vocabulary import SOLVERS

EXIT_BUG = 4
EXIT_USAGE = 2
FORCE_HELP = ("Replace an existing output that planner did not write last or that was "
              "edited since.")


Solver = Enum("Solver", {s: s for s in SOLVERS}, type=str)  # type: ignore[misc]
"""The MILP solvers ``--solver`` can name."""


class Settings:
    """Options of the top-level command that every subcommand honours."""

    debug = False


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 group``, ``2 groups``: the count with the noun in the right number.

    Examples
    --------
    >>> plural(1, "group"), plural(1085, "user"), plural(2, "holding")
    ('1 group', '1085 users', '2 holdings')
    """
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def error_report(exc: Exception) -> tuple[list[str], int]:
    """The lines a command prints on stderr for ``exc``, and the exit code it returns.

    A :class:`~planner.errors.PlannerError` gives its own lines and code; an ``OSError``
    (disk full, permission) names the file, exit 2; anything else is a bug, exit 4.
    ``planner batch`` uses it to give each failed input the line ``planner solve`` prints.
    """
    issues, code = error_issues(exc)
    if isinstance(exc, PlannerError):
        return exc.lines(), code
    return [str(i) for i in issues], code


def error_issues(exc: Exception) -> tuple[list[Issue], int]:
    """``exc`` as :class:`~planner.errors.Issue` objects (file, sheet, row, column ...)."""
    if isinstance(exc, InputError):
        return list(exc.issues), exc.exit_code
    if isinstance(exc, PlannerError):
        return [Issue(line) for line in exc.lines()], exc.exit_code
    if isinstance(exc, OSError):  # the file system said no: not a bug
        where = Path(exc.filename).name if getattr(exc, "filename", None) else ""
        text = exc.strerror or str(exc) or type(exc).__name__
        if where:
            return [Issue(text, where)], InputError.exit_code
        return [Issue(f"cannot read or write a file: {text}")], InputError.exit_code
    return [Issue(f"internal error: {type(exc).__name__}: {exc}",
                  hint="a bug; rerun with --debug for the traceback and please report it")
            ], EXIT_BUG


def error_json(issues: Iterable[Issue], exit_code: int) -> dict:
    """The JSON object a ``--json`` command prints on stdout when it fails.

    ``{"status": "error", "exit_code": 2, "issues": [{"file", "sheet", "row", "column",
    "message", "hint"}, ...]}``; unknown parts are null.
    """
    return {"status": "error", "exit_code": exit_code,
            "issues": [{"file": i.file or None, "sheet": i.sheet, "row": i.row,
                        "column": i.column, "message": i.message, "hint": i.hint}
                       for i in issues]}


def fail(issues: list[Issue], exit_code: int, as_json: bool) -> None:
    """Report ``issues`` (stderr lines, or JSON on stdout) and exit with ``exit_code``."""
    if as_json:
        typer.echo(json_text(error_json(issues, exit_code)))
    else:
        for issue in issues:
            typer.echo(str(issue), err=True)
    raise typer.Exit(exit_code)


def run(body: Callable[[], int | None], as_json: bool = False) -> None:
    """Run a command body and exit with its return code (0 when it returns None).

    With ``as_json`` an error is printed as :func:`error_json` on stdout.
    """
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
        if as_json:
            issues, exit_code = error_issues(exc)
            fail(issues, exit_code, as_json=True)
        lines, exit_code = error_report(exc)
        for line in lines:
            typer.echo(line, err=True)
        raise typer.Exit(exit_code) from None
    raise typer.Exit(code)


def warn(lines) -> None:
    """Print each line as a warning on stderr."""
    for line in lines:
        typer.echo(f"warning: {visible(str(line))}", err=True)


def echo(text: str = "") -> None:
    """Print a result line on stdout (diagnostics go to stderr through :func:`warn`)."""
    typer.echo(text)


def note(text: str) -> None:
    """Print a progress or diagnostic line on stderr (``wrote plan.xlsx``)."""
    typer.echo(text, err=True)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean 'renewal'?`` for the closest of ``choices``, or None."""
    close = difflib.get_close_matches(str(word).lower(), [str(c) for c in choices], n=1,
                                      cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else None


def _plain_help(command: TyperCommand | TyperGroup) -> None:
    """Flags (``--json``, ``--help``) shown in help without a ``<bool>`` type, and the
    help's paragraphs reflowed to the terminal (a docstring's line breaks are not kept)."""
    _plain_flags(command.params)
    if command.help:
        command.help = reflow(command.help)


def _parse_plain(parse, ctx, args: list[str]) -> list[str]:
    """Run a command's or group's ``parse``, turning a usage error into one plain line (or
    JSON) and exit code 2."""
    as_json = "--json" in args
    try:
        return parse(ctx, list(args))
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if not hasattr(exc, "format_message") or getattr(exc, "exit_code", 0) != 2:
            raise
        fail([Issue(_usage_message(exc), hint=_usage_hint(exc, ctx, args))], EXIT_USAGE, as_json)
        raise  # unreachable: fail() exits


def _plain_option(option):
    """``--help`` without a type after it."""
    _plain_flags([option] if option is not None else [])
    return option


class Command(TyperCommand):
    """A Typer command with plain help and plain usage errors.

    Help shows no ``<bool>`` type after a flag and no ``{ORG.xlsx}`` braces around a
    required argument; a usage error (a misspelt ``--at``, a missing argument) is one
    line ``planner solve: Invalid value for '--at': 'renwal' is not one of 'now',
    'renewal' (did you mean 'renewal'?)``,
    exit 2, or the JSON error object when ``--json`` was given.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_help(self)

    def get_help_option(self, ctx):
        """``--help`` without a type after it."""
        return _plain_option(super().get_help_option(ctx))

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Parse, turning a usage error into one plain line (or JSON) and exit code 2."""
        return _parse_plain(super().parse_args, ctx, args)

    def collect_usage_pieces(self, ctx) -> list[str]:
        """``[OPTIONS] ORG.xlsx``: required arguments bare, optional ones in brackets."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or param.name or ""
                if param.nargs != 1 and not name.endswith("..."):
                    name += "..."
                pieces.append(name if param.required else f"[{name}]")
        return pieces



class Group(TyperGroup):
    """The ``planner`` (and ``planner roles``) group, its flags shown without a type.

    An unknown command is one line ``planner: no such command 'solv' (did you mean
    'solve'?)``, exit 2 (the JSON error object when ``--json`` was given), instead of
    Typer's error box.
    """

    def command_names(self, ctx) -> list[str]:
        """The names a command may be called by (for the did-you-mean of a typo)."""
        return list(self.list_commands(ctx))

    def resolve_command(self, ctx, args: list[str]):
        """The command named by ``args[0]``; an unknown name fails with one plain line."""
        name = args[0] if args else ""
        if (not args or ctx.resilient_parsing or name.startswith("-")
                or self.get_command(ctx, name) is not None):
            return super().resolve_command(ctx, args)
        fail([Issue(f"{ctx.command_path}: no such command '{name}'",
                    hint=did_you_mean(name, self.command_names(ctx))
                    or f"see '{ctx.command_path} --help'")], EXIT_USAGE, "--json" in args)
        raise AssertionError("unreachable: fail() exits")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_help(self)

    def get_help_option(self, ctx):
        """``--help`` without a type after it."""
        return _plain_option(super().get_help_option(ctx))

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Parse, turning a usage error into one plain line (or JSON) and exit code 2."""
        return _parse_plain(super().parse_args, ctx, args)


def reflow(text: str) -> str:
    r"""Each paragraph of a docstring on one line (paragraphs stay apart).

    Examples
    --------
    >>> reflow("Prints a summary\n    and writes a plan.\n\n    Exit 0.")
    'Prints a summary and writes a plan.\n\nExit 0.'
    """
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n"))


def _plain_flags(params) -> None:
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""  # a flag takes no value: show none


def _usage_message(exc) -> str:
    text = exc.format_message().replace("Value error, ", "").rstrip(".")
    name = exc.ctx.command_path if getattr(exc, "ctx", None) else "planner"
    return f"{name}: {text}"


def _usage_hint(exc, ctx, args: list[str]) -> str | None:
    param = getattr(exc, "param", None)
    choices = getattr(getattr(param, "type", None), "choices", None)
    given = _given_value(param, args)
    if choices and given is not None:
        return did_you_mean(given, [getattr(c, "value", c) for c in choices])
    return f"see '{ctx.command_path} --help'"


def _given_value(param, args: list[str]) -> str | None:
    """What the user typed for the option ``param``, or None."""
    for i, arg in enumerate(args):
        for opt in getattr(param, "opts", ()):
            if arg == opt and i + 1 < len(args):
                return args[i + 1]
            if opt.startswith("--") and arg.startswith(opt + "="):
                return arg[len(opt) + 1:]
    return None
