"""The ``planner import`` command (registered in :mod:`planner.cli.commands`)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.support import plural, run, warn


class GroupBy(str, Enum):
    """Persona keys."""

    department = "department"
    usage = "usage"
    licences = "licences"


def import_command(
    sources: Annotated[list[Path], typer.Argument(
        metavar="SOURCES...", help="Export files or folders (searched recursively); each file "
                                   "is recognised by its content.")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="ORG.xlsx",
                                         help="The organization workbook to write.")],
    group_by: Annotated[GroupBy, typer.Option(
        "--group-by", help="Persona key: department, usage (needs and devices only) or "
                           "licences (the licence set held).")] = GroupBy.department,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE", help="Planning date YYYY-MM-DD (default: today).")] = None,
    names: Annotated[bool, typer.Option(
        "--user-names/--no-user-names", help="List user names on the Evidence sheet (the only "
                                             "place they are written).")] = True,
    min_group_size: Annotated[int, typer.Option(
        "--min-group-size", metavar="N", min=1,
        help="Fold personas of fewer users into one 'other ...' persona per need profile.")] = 10,
    aliases: Annotated[Path | None, typer.Option(
        "--aliases", metavar="NAMES.csv",
        help="Extra licence display names (columns name, sku).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing ORG.xlsx.")] = False,
) -> None:
    """Build ORG.xlsx from a Microsoft 365 tenant's exports.

    Reads Graph JSON, PowerShell CSV, the admin center Active users export,
    usage reports and the Intune device export (files only, no network; never modified).
    Writes Organization, Groups, Holdings, Prices, Evidence, Unmapped and Findings.
    Bad input: one line per problem, exit 2, nothing written.
    """
    def body() -> None:
        from planner.importer import import_tenant, write_workbook

        result = import_tenant(sources, group_by=group_by.value, as_of=as_of,
                               min_group_size=min_group_size, aliases=aliases, skip=(output,))
        warn(str(w) for w in result.warnings)
        written = write_workbook(result, output, names=names, overwrite=force)
        typer.echo(f"wrote {written}: {plural(len(result.personas), 'group')}, "
                   f"{plural(result.users, 'user')}, "
                   f"{plural(len(result.holdings.rows), 'holding')}, "
                   f"{plural(len(result.findings), 'finding')}, "
                   f"{len(result.unmapped)} unmapped", err=True)
    run(body)
