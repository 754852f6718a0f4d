"""The fault suite: the installed console script under real signals, real files, odd paths.

Every case asserts what docs/reliability.md promises: the input is byte-identical after
the run, the old output is intact or the new one complete, no temporary file is left in
the output folder or TMPDIR, no solver process outlives the run, the exit code is a
documented one with no traceback, and stdout is strict JSON under ``--json``.
"""
from __future__ import annotations

import os
import resource
import stat
import sys
import time
from pathlib import Path

import pytest

from fault_harness import (
    Sandbox,
    assert_clean_exit,
    digest,
    no_solver_left,
    opens_as_workbook,
    strict_json,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import make_bad_inputs as mk  # noqa: E402

sys.path.pop(0)


@pytest.fixture
def box(tmp_path) -> Sandbox:
    """A sandbox holding the corpus' small valid organization as org.xlsx."""
    sandbox = Sandbox.make(tmp_path)
    (sandbox.folder / "org.xlsx").write_bytes(mk.xlsx())
    return sandbox


def org_of(box: Sandbox) -> Path:
    return box.folder / "org.xlsx"


def check_after(box: Sandbox, before: str, expected: set[str], result) -> None:
    """The checks every case shares: input intact, no leftovers, no solver, clean exit."""
    assert digest(org_of(box)) == before, "the input changed"
    assert box.leftovers(expected) == []
    no_solver_left(box)
    assert_clean_exit(result)


# ------------------------------------------------------------------ outputs never over inputs

@pytest.mark.parametrize("alias", ["symlink", "hardlink", "dot"])
def test_lp_file_over_the_input_is_refused(box, alias):
    """Issue 20 defect 1: ``--lp-file`` used to overwrite any file, the input included."""
    name = {"symlink": "org.lp", "hardlink": "hard.lp", "dot": "./org.lp"}[alias]
    if alias == "hardlink":
        os.link(org_of(box), box.folder / "hard.lp")
    else:
        os.symlink("org.xlsx", box.folder / "org.lp")
    before = digest(org_of(box))
    result = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--lp-file", name)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{Path(name).name}: refusing to write the model file over the input file "
        "(choose another name with -o)"]
    check_after(box, before, {"org.xlsx", Path(name).name}, result)


def test_plan_over_a_hard_link_of_the_input_is_refused(box):
    os.link(org_of(box), box.folder / "hard.xlsx")
    before = digest(org_of(box))
    result = box.run("solve", "org.xlsx", "-o", "hard.xlsx")
    assert result.returncode == 2
    assert "hard.xlsx: refusing to write the plan over the input file" in result.stderr
    check_after(box, before, {"org.xlsx", "hard.xlsx"}, result)


def test_lp_file_and_plan_must_be_different_files(box):
    before = digest(org_of(box))
    result = box.run("solve", "org.xlsx", "-o", "same.lp", "--lp-file", "./same.lp")
    assert result.returncode == 2
    check_after(box, before, {"org.xlsx"}, result)


def test_lp_dump_carries_no_organization_text_unless_asked(box):
    before = digest(org_of(box))
    plain = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives",
                    "--lp-file", "model.lp")
    assert plain.returncode == 0, plain.stderr
    text = (box.folder / "model.lp").read_text()
    assert "x1" in text and "c1:" in text
    for name in ("staff", "shop_floor", "sales", "Tiny"):
        assert name not in text
    readable = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives",
                       "--lp-file", "readable.mps", "--readable-names")
    assert readable.returncode == 0, readable.stderr
    assert "shop_floor" in (box.folder / "readable.mps").read_text()
    check_after(box, before, {"org.xlsx", "plan.xlsx", "model.lp", "readable.mps"}, readable)


# ------------------------------------------------------------------ permissions, leftovers

def test_written_files_get_the_users_umask_permissions(box):
    """Issue 17: plans were 0600 (the temporary file's mode survived the rename)."""
    before = digest(org_of(box))
    result = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives",
                     preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((box.folder / "plan.xlsx").stat().st_mode) == 0o644
    check_after(box, before, {"org.xlsx", "plan.xlsx"}, result)


def test_a_stale_temporary_file_of_the_output_is_removed_and_said(box):
    """Issue 20 defect 6: a kill -9 mid-write left .PLAN.xlsx.*.tmp forever."""
    stale = box.folder / ".plan.xlsx.k9left.tmp"
    stale.write_bytes(b"PK half a plan")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    before = digest(org_of(box))
    result = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives")
    assert result.returncode == 0, result.stderr
    assert ("warning: removed .plan.xlsx.k9left.tmp, left in . by an interrupted write of "
            "plan.xlsx") in result.stderr
    assert opens_as_workbook(box.folder / "plan.xlsx")
    check_after(box, before, {"org.xlsx", "plan.xlsx"}, result)


def test_output_folder_that_is_a_file_names_the_output(box):
    (box.folder / "afile").write_text("not a folder")
    before = digest(org_of(box))
    result = box.run("solve", "org.xlsx", "-o", "afile/plan.xlsx", "--no-alternatives")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "plan.xlsx: afile is a file, not a folder (choose another path)"]
    check_after(box, before, {"org.xlsx", "afile"}, result)


def test_file_size_limit_is_one_line_without_exception_ignored(box):
    """Issue 20 defect 5: a failed write printed 'Exception ignored ... Traceback'."""
    old_plan = box.folder / "plan.xlsx"
    first = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives")
    assert first.returncode == 0, first.stderr
    old = old_plan.read_bytes()
    before = digest(org_of(box))
    limit = 6000  # bytes: the plan is larger, the solver's files are smaller

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives",
                     "--solver", "highs", preexec_fn=small_files)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "plan.xlsx: cannot write the file: File too large (nothing was written; an "
        "existing file is unchanged)")
    assert old_plan.read_bytes() == old
    check_after(box, before, {"org.xlsx", "plan.xlsx"}, result)


def test_json_output_of_a_solve_is_strict(box):
    result = box.run("solve", "org.xlsx", "-o", "plan.xlsx", "--no-alternatives", "--json")
    assert result.returncode == 0, result.stderr
    assert strict_json(result.stdout)["status"] == "optimal"
