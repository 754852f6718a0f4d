"""Fuzz the cells of a valid workbook through the CLI: it solves or explains, never crashes.

Hypothesis replaces a few cells of the corpus' base workbook (any sheet, any column, one
row past the end too) with arbitrary values: numbers of every kind, text, dates,
booleans, Excel error values and formulas Excel never calculated. ``planner solve`` must
then exit 0 (plan written), 1 (no compliant plan, explained per group) or 2 (one line per
problem, each naming the file), never 4 or a traceback, and never touch the input.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import make_bad_inputs as mk  # noqa: E402

sys.path.pop(0)
from support import error_lines, invoke, run_cli  # noqa: E402

BASE = mk.base_sheets()
TOKENS = ["staff", "information", "frontline", "windows_pro", "windows_enterprise", "other",
          "none", "m365_e3", "copilot", "m365_e3_equivalent", "frontline_basic", "Y", "N",
          "USD", "EUR", "EA", "CSP", "2026-11-23", "2027-06-30", "31/12/2026"]

cell_values = st.one_of(
    st.none(),
    st.integers(-10, 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(TOKENS),
    st.sampled_from(["#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?"]),
    st.sampled_from(["=1+1", "=SUM(B2:B3)", "=#REF!"]),  # formulas with no cached value
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)),
)


@st.composite
def edits(draw):
    """1 to 3 (sheet, row, column, value) edits; row may be one past the last row."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        sheet = draw(st.sampled_from(sorted(BASE)))
        rows = BASE[sheet]
        row = draw(st.integers(2, len(rows) + 1))
        column = draw(st.integers(0, len(rows[0]) - 1))
        out.append((sheet, row, column, draw(cell_values)))
    return out


def fuzzed_workbook(changes) -> bytes:
    sheets = mk.base_sheets()
    for sheet, row, column, value in changes:
        rows = sheets[sheet]
        while len(rows) < row:
            rows.append([None] * len(rows[0]))
        rows[row - 1][column] = value
    return mk.xlsx(sheets)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_outcome(code: int, stderr: str, output: str, folder: Path, data: bytes) -> None:
    """The properties every run must have, whatever the cells hold."""
    assert code in (0, 1, 2), f"exit {code}: {stderr}"
    assert "Traceback" not in output and "internal error" not in stderr, stderr
    assert digest((folder / "org.xlsx").read_bytes()) == digest(data)
    written = sorted(os.listdir(folder))
    lines = error_lines(stderr)
    if code == 0:
        assert written == ["org-plan.xlsx", "org.xlsx"]
    else:
        assert written == ["org.xlsx"]
        assert lines, "a failure must say why"
    if code == 2:
        assert all(line.startswith("org.xlsx") for line in lines), lines
    if code == 1:
        assert all(line.startswith("group '") for line in lines), lines


def solve_in_process(data: bytes) -> None:
    """``planner solve`` of workbook bytes ``data``, in-process; it must solve or explain."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "org.xlsx").write_bytes(data)
        result = invoke("solve", "org.xlsx", "--no-alternatives", cwd=folder)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            repr(result.exception)
        check_outcome(result.exit_code, result.stderr, result.output, folder, data)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(changes=edits())
def test_fuzzed_cells_solve_or_explain_in_process(changes):
    solve_in_process(fuzzed_workbook(changes))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=edits())
def test_fuzzed_cells_through_the_installed_cli(changes):
    data = fuzzed_workbook(changes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "org.xlsx").write_bytes(data)
        result = run_cli("solve", "org.xlsx", "--no-alternatives", cwd=folder)
        check_outcome(result.returncode, result.stderr, result.stdout + result.stderr,
                      folder, data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1,
                      max_size=4))
def test_damaged_bytes_are_refused_or_read_never_crash(flips):
    """Corrupted container bytes (a bad download): exit 2 with one line, or still readable."""
    data = bytearray(mk.xlsx())
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    solve_in_process(bytes(data))
