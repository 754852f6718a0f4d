"""Shared fixtures: the catalog, the scenario workbooks, a tiny organization."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.catalog import load_catalog
from planner.inputs import Group, Holding, Organization, OrgInputs

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def scenario_path():
    def path(name: str) -> Path:
        return SCENARIOS / f"{name}.xlsx"
    return path


def small_org(**org_changes) -> OrgInputs:
    """One E3 group on a Windows Pro device; a base to vary in tests."""
    org = Organization(name="Tiny", as_of=date(2026, 11, 23), renewal_date=date(2027, 6, 30),
                       **org_changes)
    return OrgInputs(org, (Group("staff", 10, needs=("m365_e3_equivalent",)),), ())


@pytest.fixture
def tiny():
    return small_org()


def holding(product, quantity, **kw) -> Holding:
    return Holding(product, quantity, **kw)
