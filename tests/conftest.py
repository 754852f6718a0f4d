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


# End-to-end modules: console scripts in subprocesses, notebooks, whole scenarios, the
# 100k-row and 50,000-user inputs, Ray, LibreOffice. CI runs them; `-m "not slow"` skips them.
SLOW_MODULES = frozenset({
    "tests/cli/test_cli.py", "tests/cli/test_faults.py", "tests/cli/test_fuzz_cli.py",
    "tests/explore/test_notebooks.py", "tests/model/test_scenarios.py",
    "tests/importer/test_import_scale.py", "tests/importer/test_import_cli.py",
    "tests/batch/test_batch_ray.py", "tests/report/test_report_render.py",
    "tests/test_benchmarks_smoke.py", "tests/input/test_bad_inputs.py",
    "tests/cli/test_cli_report.py", "tests/batch/test_batch_run.py",
    "tests/batch/test_batch_sweep.py", "tests/batch/test_batch_benchmark.py",
    "tests/test_packaging.py", "tests/importer/test_import_packaging.py",
})


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parents[1]
    missing = sorted(m for m in SLOW_MODULES if not (root / m).is_file())
    if missing:  # a renamed module must not silently lose its marker
        raise pytest.UsageError(f"tests/conftest.py SLOW_MODULES names missing files: {missing}")
    for item in items:
        if Path(item.fspath).resolve().relative_to(root).as_posix() in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
