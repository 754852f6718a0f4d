"""Shared inputs of the batch tests: a folder of the six scenarios plus one broken workbook."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SCENARIOS = TESTS.parent / "scenarios"
BROKEN = TESTS / "bad_inputs" / "bad_worker.xlsx"
"""A workbook with a bad enumeration value on the Groups sheet."""

SIX = ("alpine_ski_house", "contoso", "litware", "margies_travel", "tailspin_toys",
       "trey_research")


def copy_scenarios(folder: Path, names=SIX, broken: bool = True) -> Path:
    """``folder`` holding copies of the scenario workbooks ``names`` (and the broken one)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SCENARIOS / f"{name}.xlsx", folder / f"{name}.xlsx")
    if broken:
        shutil.copy(BROKEN, folder / "broken.xlsx")
    return folder


@pytest.fixture(scope="session")
def scenario_folder(tmp_path_factory) -> Path:
    """Six scenarios and ``broken.xlsx`` in one folder (read-only by convention)."""
    return copy_scenarios(tmp_path_factory.mktemp("batch-inputs") / "customers")
