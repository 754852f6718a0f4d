"""Renderers of a :class:`planner.results.Plan`: they format, they never compute.

``write_plan`` / ``read_plan`` handle the plan workbook (PLAN.xlsx); ``render_summary``
prints the terminal summary on stderr.
"""
from planner.report.console import render_summary
from planner.report.excel import read_plan, write_plan

__all__ = ["read_plan", "render_summary", "write_plan"]
