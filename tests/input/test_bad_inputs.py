"""Every file of the bad-input corpus, through the installed ``planner`` console script.

The corpus (``tests/bad_inputs/``, written by ``scripts/make_bad_inputs.py``) holds one
file per kind of problem, from plain mistakes (a negative headcount) to hostile files (zip
bombs, billion laughs, XXE). For each, ``planner solve`` must exit 2 with one line per
problem naming the file (and sheet, row and column where there is one), no traceback, the
input byte-identical afterwards, and nothing written beside it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import digest, error_lines, invoke, run_cli

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
ROOT = CORPUS.parents[1]






def test_corpus_is_large_small_and_listed():
    files = sorted(p.name for p in CORPUS.iterdir() if p.name != "expected.json")
    assert files == sorted(EXPECTED)
    assert len(files) >= 40
    assert sum((CORPUS / f).stat().st_size for f in files) < 5 * 2**20


@dataclass
class Run:
    """One corpus file run through the CLI in its own folder."""

    folder: Path
    before: str
    result: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory) -> dict[str, Run]:
    """Every corpus file through ``planner solve``, each in its own copy folder.

    The runs are independent subprocesses, started a few at a time to keep the walk fast.
    """
    def one(name: str) -> Run:
        folder = tmp_path_factory.mktemp(Path(name).stem)
        shutil.copyfile(CORPUS / name, folder / name)
        before = digest(folder / name)
        return Run(folder, before, run_cli("solve", name, "--no-alternatives", cwd=folder))

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(sorted(EXPECTED), pool.map(one, sorted(EXPECTED))))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_exits_2_with_located_lines_and_touches_nothing(name, corpus_runs):
    case, run = EXPECTED[name], corpus_runs[name]
    result = run.result

    assert result.returncode == case["exit_code"], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = error_lines(result.stderr)
    # One line per problem, in the order expected, each naming the file and its location.
    assert len(lines) == len(case["lines"]), result.stderr
    for line, fragment in zip(lines, case["lines"]):
        assert line.startswith(name), line
        assert fragment in line, f"{fragment!r} not in {line!r}"
    assert digest(run.folder / name) == run.before
    assert sorted(p.name for p in run.folder.iterdir()) == [name]  # no plan, no temp file



@pytest.mark.parametrize("name", ["negative_users.xlsx", "hidden_row_error.xlsx",
                                  "formula_no_value.xlsx", "merged_cells.xlsx"])
def test_validate_command_reports_the_same_lines(name, tmp_path):
    shutil.copyfile(CORPUS / name, tmp_path / name)
    result = invoke("validate", name, cwd=tmp_path)
    assert result.exit_code == 2
    lines = error_lines(result.stderr)
    assert len(lines) == len(EXPECTED[name]["lines"])
    assert all(fragment in line for line, fragment in zip(lines, EXPECTED[name]["lines"]))


def test_generator_is_deterministic(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_bad_inputs
    finally:
        sys.path.pop(0)
    cheap = [c for c in make_bad_inputs.CASES if not c[0].startswith(("zip_bomb", "rows_"))]
    for name, _, make, _ in cheap:
        assert make() == (CORPUS / name).read_bytes(), f"{name} differs: rerun the generator"


# ------------------------------------------------------------------ limits are settings

@pytest.mark.parametrize(("env", "fragment"), [
    ({"PLANNER_MAX_FILE_MB": "0.001"}, "MB limit (set PLANNER_MAX_FILE_MB to raise it)"),
    ({"PLANNER_MAX_ROWS": "2"}, "sheet Groups: sheet has 3 rows, over the 2 row limit"),
    ({"PLANNER_MAX_UNZIPPED_MB": "0.01"}, "MB limit (zip bomb?) (set PLANNER_MAX_UNZIPPED_MB"),
])
def test_limits_are_settings(env, fragment, tmp_path, monkeypatch):
    org = tmp_path / "org.xlsx"
    shutil.copyfile(CORPUS / "negative_users.xlsx", org)  # a valid container
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = invoke("validate", org.name, cwd=tmp_path)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_limits_in_the_environment_reach_the_installed_cli(tmp_path):
    """Settings given to the console script's environment apply (here: raised).

    The 60 MB part is over two limits, the ratio and the size of one part: raising the
    ratio alone leaves it refused by the part limit, raising both reads it.
    """
    org = tmp_path / "padded.xlsx"
    shutil.copyfile(CORPUS / "zip_bomb_ratio.xlsx", org)
    ratio = {"PLANNER_MAX_ZIP_RATIO": "5000"}
    result = run_cli("validate", org.name, cwd=tmp_path, env=ratio)
    assert result.returncode == 2
    assert "limit of one part (set PLANNER_MAX_PART_MB to raise it)" in result.stderr
    result = run_cli("validate", org.name, cwd=tmp_path, env={**ratio, "PLANNER_MAX_PART_MB": "100"})
    assert result.returncode == 0, result.stderr


def test_row_limit_holds_for_a_sheet_built_at_test_time(tmp_path):
    """A 50,005-row sheet written at test time (never committed): refused before loading."""
    import openpyxl

    from planner.input.sheets import Limits, open_workbook

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Groups")
    ws.append(["group", "users", "needs"])
    for r in range(50_005):
        ws.append([f"g{r}", 1, "copilot"])
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    from planner.errors import InputError

    with pytest.raises(InputError, match="50005 rows, over the 50000 row limit"):
        open_workbook(path, Limits(max_rows=50_000))


# ------------------------------------------------------------------ XML hardening

def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "install defusedxml so openpyxl is hardened"


def test_billion_laughs_is_refused_by_openpyxl_too(tmp_path):
    """Even without planner's own scan, openpyxl (via defusedxml) refuses the entities."""
    import openpyxl

    with pytest.raises(Exception) as info:
        openpyxl.load_workbook(CORPUS / "billion_laughs.xlsx")
    assert "Forbidden" in repr(info.value) or "worksheets" in str(info.value)


def test_hostile_parts_really_are_hostile():
    """The corpus files carry what they claim (guards against a generator regression)."""
    with zipfile.ZipFile(CORPUS / "billion_laughs.xlsx") as zf:
        assert b"<!ENTITY lol9" in zf.read("xl/worksheets/sheet2.xml")
    with zipfile.ZipFile(CORPUS / "xxe.xlsx") as zf:
        assert b'SYSTEM "file:///etc/passwd"' in zf.read("xl/worksheets/sheet2.xml")
    with zipfile.ZipFile(CORPUS / "zip_bomb.xlsx") as zf:
        assert sum(i.file_size for i in zf.infolist()) > 300 * 2**20
    with zipfile.ZipFile(CORPUS / "macros.xlsm") as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    assert (CORPUS / "encrypted.xlsx").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ------------------------------------------------------------------ cell policies

def test_formula_with_a_cached_value_is_read(tmp_path):
    """A formula Excel has calculated is read by its value; only uncalculated ones fail."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_bad_inputs as mk
    finally:
        sys.path.pop(0)
    data = mk.xlsx(patch={mk.sheet_part(2): mk.replace_cell(
        "B2", '<c r="B2"><f>5*2</f><v>10</v></c>')})
    (tmp_path / "calc.xlsx").write_bytes(data)
    from planner.input.validate import read_org

    inputs = read_org(tmp_path / "calc.xlsx")
    assert inputs.groups[0].users == 10


def test_hidden_row_alone_is_a_warning_and_read(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_bad_inputs as mk
    finally:
        sys.path.pop(0)
    (tmp_path / "hidden.xlsx").write_bytes(mk.xlsx(edit=mk.hide_row("Groups", 3)))
    result = invoke("validate", "hidden.xlsx", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "sheet Groups, row 3: hidden row is read like any other" in result.stderr
