"""Shared fixtures: the catalog, the scenario workbooks, a tiny organization."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from planner.catalog.load import load_catalog
from planner.input.organization import Holding

from org_builders import small_org

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

# Records of the files planner wrote (planner.provenance) go to a throwaway folder, which
# console scripts run by the tests inherit, never to the user's home.
# (XDG_STATE_HOME too, for helpers that drop PLANNER_* settings from the environment.)
if "PLANNER_STATE_DIR" not in os.environ:
    os.environ["PLANNER_STATE_DIR"] = tempfile.mkdtemp(prefix="planner-state-")
    os.environ["XDG_STATE_HOME"] = os.environ["PLANNER_STATE_DIR"]
    atexit.register(shutil.rmtree, os.environ["PLANNER_STATE_DIR"], True)


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
