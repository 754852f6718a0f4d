"""The cold ``planner solve`` path (issue 15): lazy imports change no output, and what
a command does not need is not imported; an unknown command is one plain line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from planner.catalog.load import load_catalog
from support import run_cli

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.xlsx"))
VARYING = {"Solve time [s]"}  # the one Summary row that differs between any two runs


def _cells(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)  # formulas as written, not cached values
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()
                       if not (row and row[0].value in VARYING)] for ws in book.worksheets}


def _imported_by(args: list[str], cwd: Path) -> tuple[int, set[str]]:
    """Exit code of ``planner ARGS`` run in a fresh interpreter, and the modules it imported."""
    probe = ("import json, sys\n"
             "from planner.cli.commands import main\n"
             f"sys.argv = ['planner'] + {args!r}\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    return code, set(modules)


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_cold_solve_writes_what_the_library_writes(scenario, tmp_path):
    """A cold ``planner solve -o PLAN.xlsx --json`` (lazy imports, rich never loaded)
    prints the JSON and writes the cells that the library gives in a process that has
    imported everything (pandas, rich, the report modules) eagerly."""
    import planner
    import planner.report.console  # noqa: F401  (the eager stack, as before issue 15)
    from planner.report.excel import write_plan

    cold = tmp_path / "cold.xlsx"
    done = run_cli("solve", str(scenario), "-o", str(cold), "--json", cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)

    result = planner.solve(scenario)
    warm = write_plan(result, tmp_path / "warm.xlsx", inputs=(scenario,), org=planner.read_org(scenario))
    expected = result.to_json()
    assert printed.pop("plan_file") == str(cold)
    assert printed == json.loads(json.dumps(expected))
    assert _cells(cold) == _cells(warm)


def test_solve_json_imports_neither_pandas_rich_pydantic_nor_the_terminal_summary(tmp_path):
    """pydantic: the input validation does without it, and Typer below 0.29 does not use it."""
    code, modules = _imported_by(["solve", str(ROOT / "scenarios" / "contoso.xlsx"), "-o",
                                  str(tmp_path / "plan.xlsx"), "--json"], tmp_path)
    assert code == 0
    assert not _top(modules) & {"pandas", "rich", "pydantic"}
    assert "planner.report.console" not in modules
    assert not {m for m in modules if m.startswith(("planner.importer", "planner.roles"))}


def test_solve_with_its_terminal_summary_does_not_import_pandas(tmp_path):
    code, modules = _imported_by(["solve", str(ROOT / "scenarios" / "contoso.xlsx"), "-o",
                                  str(tmp_path / "plan.xlsx")], tmp_path)
    assert code == 0
    assert "rich" in _top(modules) and "pandas" not in _top(modules)


def test_import_planner_alone_loads_no_heavy_package():
    probe = "import sys, planner; print(sorted({m.split('.')[0] for m in sys.modules}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    top = set(json.loads(done.stdout.replace("'", '"')))
    assert not top & {"pandas", "numpy", "pulp", "highspy", "openpyxl", "rich", "typer", "pydantic"}


def test_lazy_package_attributes_are_the_modules_own():
    import planner
    import planner.report
    from planner.pipeline import plan
    from planner.report.excel import read_plan, write_plan
    from planner.results import Plan

    assert (planner.plan, planner.Plan, planner.load_catalog) == (plan, Plan, load_catalog)
    assert (planner.report.write_plan, planner.report.read_plan) == (write_plan, read_plan)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        planner.nonsense  # noqa: B018


@pytest.mark.parametrize("args, line", [
    (["bogus"], "planner: no such command 'bogus' (see 'planner --help')"),
    (["solv", "org.xlsx"], "planner: no such command 'solv' (did you mean 'solve'?)"),
    (["roels"], "planner: no such command 'roels' (did you mean 'roles'?)"),
    (["roles", "bogus"], "planner roles: no such command 'bogus' (see 'planner roles --help')"),
])
def test_unknown_command_is_one_line_exit_2(args, line, tmp_path):
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert (done.stdout, done.stderr.splitlines()) == ("", [line])


def test_unknown_command_with_json_is_the_json_error(tmp_path):
    done = run_cli("bogus", "--json", cwd=tmp_path)
    assert done.returncode == 2
    body = json.loads(done.stdout)
    assert body["status"] == "error" and body["exit_code"] == 2
    assert body["issues"][0]["message"] == "planner: no such command 'bogus'"


def test_unknown_command_does_not_import_the_lazy_commands(tmp_path):
    code, modules = _imported_by(["imprt"], tmp_path)
    assert code == 2
    assert not {m for m in modules if m.startswith(("planner.importer", "planner.roles"))}


def test_price_list_lookups_agree_with_its_dataframe():
    """The plain-row lookups planning uses give what the ``prices`` DataFrame holds."""
    catalog = load_catalog()
    checked = 0
    for plist in catalog.price_lists.values():
        frame = plist.prices
        for pid in catalog.product_ids + ["not_a_product"]:
            if pid not in frame.index:
                assert (plist.unit_price(pid), plist.sa_price(pid), plist.band(pid),
                        plist.is_estimate(pid)) == (None, None, None, None)
                continue
            row = frame.loc[pid]
            assert plist.unit_price(pid) == float(row["unit_price"])
            sa = row["sa_unit_price"]
            assert plist.sa_price(pid) == (None if sa != sa else float(sa))
            assert plist.is_estimate(pid) is (row["estimate"] == "Y")
            band = row["band_pct"]
            assert plist.band(pid) == (float(band) if row["estimate"] == "Y" and band == band else None)
            checked += 1
    assert checked > 50
    assert any(pl.band(p) for pl in catalog.price_lists.values() for p in catalog.product_ids)
    assert any(pl.sa_price(p) for pl in catalog.price_lists.values() for p in catalog.product_ids)
