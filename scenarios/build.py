"""Write scenarios/<name>.xlsx from scenarios/definitions.py (the workbook format of docs/nomenclature.md).

Run ``python scenarios/build.py`` after editing the definitions; the workbooks are
committed and are what the tests read. Each scenario's assumptions go to the
Organization sheet's ``notes`` field.
"""
from __future__ import annotations

import sys
from pathlib import Path

from planner.examples import write_definition

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from definitions import SCENARIOS  # noqa: E402


def write(name: str, spec: dict, folder: Path = HERE) -> Path:
    """Write one scenario workbook and return its path."""
    spec = {**spec, "organization": {**spec["organization"], "notes": spec["assumptions"]}}
    return write_definition(spec, folder / f"{name}.xlsx")


if __name__ == "__main__":
    for scenario, definition in SCENARIOS.items():
        print(write(scenario, definition))
