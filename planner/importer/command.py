"""The ``planner import`` command (registered in :mod:`planner.cli`)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from ..cli_support import run, warn


class GroupBy(str, Enum):
    """Persona keys."""

    department = "department"
    usage = "usage"
    licences = "licences"


def import_command(
    sources: list[Path] = typer.Argument(..., metavar="SOURCES...",
                                         help="Export files or folders (searched recursively); "
                                              "each file is recognised by its content."),
    output: Path = typer.Option(..., "-o", "--output", metavar="ORG.xlsx",
                                help="The organization workbook to write."),
    group_by: GroupBy = typer.Option(GroupBy.department, "--group-by",
                                     help="Persona key: department, usage (needs and devices "
                                          "only) or licences (the licence set held)."),
    as_of: str = typer.Option(None, "--as-of", metavar="DATE",
                              help="Planning date YYYY-MM-DD (default: today)."),
    names: bool = typer.Option(True, "--user-names/--no-user-names",
                               help="List user names on the Evidence sheet (the only place "
                                    "they are written)."),
    min_group_size: int = typer.Option(10, "--min-group-size", metavar="N", min=1,
                                       help="Fold personas of fewer users into one 'other ...' "
                                            "persona per need profile."),
    aliases: Path = typer.Option(None, "--aliases", metavar="NAMES.csv",
                                 help="Extra licence display names (columns name, sku)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing ORG.xlsx."),
) -> None:
    """Build ORG.xlsx from a Microsoft 365 tenant's exports (Graph JSON, PowerShell CSV,
    the admin center Active users export, usage reports, the Intune device export).

    Writes Organization, Groups, Holdings and Prices (what 'planner solve' reads) plus
    Evidence, Unmapped and Findings. Reads files only (no network); inputs are never
    modified. Bad input: one line per problem, exit 2, nothing written.
    """
    def body() -> None:
        from . import import_tenant, write_workbook

        result = import_tenant(sources, group_by=group_by.value, as_of=as_of,
                               min_group_size=min_group_size, aliases=aliases, skip=(output,))
        warn(str(w) for w in result.warnings)
        written = write_workbook(result, output, names=names, overwrite=force)
        typer.echo(f"wrote {written}: {len(result.personas)} groups, {result.users} users, "
                   f"{len(result.holdings.rows)} holdings, {len(result.findings)} findings, "
                   f"{len(result.unmapped)} unmapped", err=True)
    run(body)
