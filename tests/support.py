"""Helpers the test folders share: the installed console script, workbooks, digests."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_xlsx(path, sheets: dict[str, list[list]]):
    """Write ``{title: [header, row, ...]}`` as a workbook at ``path`` and return the path."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for values in rows:
            ws.append(values)
    wb.save(path)
    return path


def _installed_script() -> str | None:
    """The installed ``planner`` console script: beside this Python first, else on PATH."""
    beside = Path(sys.executable).parent / "planner"
    return str(beside) if beside.exists() else shutil.which("planner")


def console_script() -> list[str]:
    """The command that runs the installed ``planner`` (the module when no script is found)."""
    exe = _installed_script()
    return [exe] if exe else [sys.executable, "-m", "planner.cli.commands"]


def planner_exe() -> str:
    """The installed console script (the test is skipped when there is none)."""
    found = _installed_script()
    if not found:
        pytest.skip("the planner console script is not installed")
    return found


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``planner ARGS`` in a subprocess with a clean, limits-free environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    base.update({"COLUMNS": "100", "NO_COLOR": "1", **(env or {})})
    return subprocess.run([planner_exe(), *args], cwd=cwd, env=base, capture_output=True,
                          text=True, timeout=timeout)


def error_lines(stderr: str) -> list[str]:
    """Stderr lines that report a problem (warnings are extra and not counted)."""
    return [line for line in stderr.splitlines() if line.strip() and
            not line.startswith("warning:")]


def invoke(*args: str, cwd: Path):
    """``planner ARGS`` in-process (typer's CliRunner) with ``cwd`` as working folder."""
    from typer.testing import CliRunner

    from planner.cli.commands import app

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)

