"""docs/roles.md agrees with the catalog and the CLI."""
from __future__ import annotations

from pathlib import Path

import typer

from planner.roles.cli import app

DOC = (Path(__file__).parents[2] / "docs" / "roles.md").read_text(encoding="utf-8")


def test_documented_matrix_matches_catalog(catalog):
    rows = [line for line in DOC.splitlines() if line.startswith("| `") and "| x |" in line
            or line.startswith("| `view_invoices`")]
    matrix = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        matrix[cells[0].strip("`")] = {r.id for r, mark in zip(catalog.roles, cells[1:])
                                       if mark == "x"}
    assert matrix == {t.id: set(catalog.roles_permitting(t.id)) for t in catalog.tasks}


def test_every_command_and_option_is_documented():
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():
        assert f"planner roles {name}" in DOC, name
        assert sub.help, name
        for param in sub.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in DOC, (name, opt)
