"""Small workbook builders for the roles tests: one base layout, varied per test."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.roles.catalog import load_role_catalog

PEOPLE_HEADER = ["person", "email", "tasks", "current_roles"]
ROSTER_HEADER = ["person", "email", "status", "since", "roles"]


def write_book(path: Path, sheet: str, header: list, rows: list[list]) -> Path:
    """Write one sheet with ``header`` and ``rows`` to ``path``."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def catalog():
    return load_role_catalog()


@pytest.fixture
def people_xlsx(tmp_path):
    """Builder: ``people_xlsx(rows, header=PEOPLE_HEADER, sheet="People")`` -> path."""
    def build(rows, header=PEOPLE_HEADER, sheet="People", name="people.xlsx"):
        return write_book(tmp_path / name, sheet, header, rows)
    return build


@pytest.fixture
def roster_xlsx(tmp_path):
    """Builder: ``roster_xlsx(rows, header=ROSTER_HEADER, sheet="Roster")`` -> path."""
    def build(rows, header=ROSTER_HEADER, sheet="Roster", name="roster.xlsx"):
        return write_book(tmp_path / name, sheet, header, rows)
    return build
