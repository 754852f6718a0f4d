"""Renderers of a :class:`planner.results.Plan`: they format, they never compute.

``write_plan`` / ``read_plan`` handle the plan workbook (PLAN.xlsx); ``render_summary``
prints the terminal summary on stderr.
"""
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.report.console import render_summary
    from planner.report.excel import read_plan, write_plan

__all__ = ["read_plan", "render_summary", "write_plan"]

# Imported on first use: importing one renderer (the CSV tables, the workbook) must not
# import the others (rich for the terminal summary is not needed with --json).
_LAZY = {"render_summary": "planner.report.console", "read_plan": "planner.report.excel",
         "write_plan": "planner.report.excel"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner.report' has no attribute {name!r}")
