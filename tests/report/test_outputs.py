"""The guarded writer (planner.outputs): never over an input, whole or not at all, tidy."""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import openpyxl
import pytest

from planner import outputs
from planner.errors import InputError
from planner.outputs import JOURNAL, atomic_write, refuse_same_outputs, write_workbook


def write_text(text: str):
    def save(path: str) -> None:
        Path(path).write_text(text)
    return save


@pytest.fixture
def org(tmp_path) -> Path:
    path = tmp_path / "org.xlsx"
    path.write_bytes(b"the input")
    return path


def test_writes_whole_file_and_leaves_no_temporary(tmp_path):
    out = atomic_write(tmp_path / "plan.txt", write_text("new"))
    assert out.read_text() == "new"
    assert os.listdir(tmp_path) == ["plan.txt"]


@pytest.mark.parametrize("alias", ["same", "dot", "parent", "symlink", "hardlink"])
def test_every_alias_of_an_input_is_refused(org, alias, monkeypatch):
    monkeypatch.chdir(org.parent)
    (org.parent / "sub").mkdir()
    target = {"same": "org.xlsx", "dot": "./org.xlsx", "parent": "sub/../org.xlsx",
              "symlink": "link.lp", "hardlink": "hard.lp"}[alias]
    if alias == "symlink":
        os.symlink(org, "link.lp")
    if alias == "hardlink":
        os.link(org, "hard.lp")
    with pytest.raises(InputError) as err:
        atomic_write(target, write_text("LP text"), inputs=(org,), what="model file")
    assert "refusing to write the model file over the input file" in str(err.value)
    assert org.read_bytes() == b"the input"


def test_two_outputs_of_one_run_must_differ(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="the plan and the model file are the same file"):
        refuse_same_outputs([("plan", Path("p.xlsx")), ("model file", Path("./p.xlsx"))])
    refuse_same_outputs([("plan", Path("p.xlsx")), ("model file", Path("p.lp"))])


def test_new_files_get_the_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        out = atomic_write(tmp_path / "a.txt", write_text("x"))
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        os.umask(0o027)
        out = atomic_write(tmp_path / "b.txt", write_text("x"))
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    out = tmp_path / "a.txt"
    out.write_text("old")
    out.chmod(0o604)
    atomic_write(out, write_text("new"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o604 and out.read_text() == "new"


def test_stale_temporary_files_of_the_target_are_removed_and_said(tmp_path):
    notices: list[str] = []
    JOURNAL.reset(listener=notices.append)
    stale = tmp_path / ".plan.xlsx.abc123.tmp"
    fresh = tmp_path / ".plan.xlsx.def456.tmp"
    other = tmp_path / ".other.xlsx.abc123.tmp"
    for path in (stale, fresh, other):
        path.write_bytes(b"partial")
    old = time.time() - outputs.STALE_AFTER_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    try:
        atomic_write(tmp_path / "plan.xlsx", write_text("x"))
    finally:
        JOURNAL.reset()
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # a concurrent writer's, another target's
    assert notices == [f"removed {stale.name}, left in {tmp_path} by an interrupted write "
                       "of plan.xlsx"]


def test_a_failed_write_keeps_the_old_file_and_names_the_target(tmp_path):
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"old plan")

    def half_then_fail(path: str) -> None:
        Path(path).write_bytes(b"PK half")
        raise OSError(28, "No space left on device", path)

    with pytest.raises(InputError) as err:
        atomic_write(out, half_then_fail)
    assert str(err.value) == ("plan.xlsx: cannot write the file: No space left on device "
                              "(nothing was written; an existing file is unchanged)")
    assert out.read_bytes() == b"old plan" and os.listdir(tmp_path) == ["plan.xlsx"]


def test_an_interrupted_write_removes_its_temporary(tmp_path):
    def interrupted(path: str) -> None:
        Path(path).write_bytes(b"PK half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "plan.xlsx", interrupted)
    assert os.listdir(tmp_path) == []


def test_an_unwritable_folder_names_the_output_and_folder_not_the_temporary(tmp_path,
                                                                            monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", refuse)
    with pytest.raises(InputError) as err:
        atomic_write(tmp_path / "plan.xlsx", write_text("x"))
    assert str(err.value) == (f"plan.xlsx: cannot create a file in {tmp_path.resolve()}: "
                              "Permission denied (nothing was written; an existing file is "
                              "unchanged)")
    assert ".tmp" not in str(err.value)


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "output folder {folder} does not exist"),
    (lambda p: p.write_text("a file"), "{folder} is a file, not a folder"),
])
def test_a_missing_or_file_folder_is_one_line(tmp_path, make, message):
    folder = tmp_path / "where"
    make(folder)
    with pytest.raises(InputError) as err:
        atomic_write(folder / "plan.xlsx", write_text("x"))
    assert message.format(folder=folder) in str(err.value)


def test_a_workbook_whose_write_fails_leaves_no_unclosed_zip(tmp_path, monkeypatch):
    """The zip is closed on the error path: no 'Exception ignored' when it is collected."""
    import gc
    import sys

    from openpyxl.writer.excel import ExcelWriter

    def fail(self):
        self._archive.writestr("xl/partial.xml", "<x/>")
        raise OSError(27, "File too large")

    monkeypatch.setattr(ExcelWriter, "write_data", fail)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(InputError, match="File too large"):
        write_workbook(openpyxl.Workbook(), tmp_path / "plan.xlsx")
    gc.collect()
    assert unraisable == [] and os.listdir(tmp_path) == []


def test_the_journal_lists_what_was_written(tmp_path):
    JOURNAL.reset()
    out = atomic_write(tmp_path / "a.txt", write_text("x"))
    assert JOURNAL.written == [out]
