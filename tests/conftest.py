"""Shared fixtures: the catalog, the scenario workbooks, a tiny organization."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.catalog import load_catalog
from planner.inputs import Holding

from org_builders import small_org

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def scenario_path():
    def path(name: str) -> Path:
        return SCENARIOS / f"{name}.xlsx"
    return path


@pytest.fixture
def tiny():
    return small_org()


def holding(product, quantity, **kw) -> Holding:
    return Holding(product, quantity, **kw)
