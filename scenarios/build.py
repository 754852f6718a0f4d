"""Write scenarios/<name>.xlsx from scenarios/definitions.py (SPEC.md workbook format).

Run ``python scenarios/build.py`` after editing the definitions; the workbooks are
committed and are what the tests read.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from definitions import SCENARIOS  # noqa: E402

GROUP_COLUMNS = ["group", "users", "worker", "devices_per_user", "primary_device", "needs", "devices", "notes"]
HOLDING_COLUMNS = ["product", "quantity", "group", "sa", "ends", "paid_up"]


def _cell(value):
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    return value


def write(name: str, spec: dict, folder: Path = HERE) -> Path:
    """Write one scenario workbook and return its path."""
    wb = openpyxl.Workbook()
    org = wb.active
    org.title = "Organization"
    org.append(["field", "value"])
    for key, value in spec["organization"].items():
        org.append([key, _cell(value)])
    org.append(["notes", spec["assumptions"]])
    sheets = (("Groups", GROUP_COLUMNS, spec["groups"]), ("Holdings", HOLDING_COLUMNS, spec["holdings"]))
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(columns)
        for row in rows:
            ws.append([_cell(row.get(c)) for c in columns])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    path = folder / f"{name}.xlsx"
    wb.save(path)
    return path


if __name__ == "__main__":
    for scenario, definition in SCENARIOS.items():
        print(write(scenario, definition))
