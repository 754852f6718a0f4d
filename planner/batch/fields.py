"""The result columns of a batch summary row and of a sweep draw, read from a Plan.

Each column is read from the :class:`~planner.results.Plan` by attribute name, with a
fallback when the Plan has no such attribute, so columns fill in by themselves as the
Plan gains fields (``current_annual_cost``, ``compliance_gap``, ``robustness``): until
then they are blank. A value that is not a number, text or flag is written as text
(a list or a mapping joined with ``; ``, a table as its number of rows).

A failed input or draw gets the status ``infeasible`` (no compliant plan, exit code 1)
or ``error`` (anything else), its exit code, and in ``error`` the line(s) ``planner
solve`` prints for it, joined with `` | ``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.cli.support import error_report


@dataclass(frozen=True)
class Field:
    """One result column: read from ``Plan.<attribute>``, ``fallback`` when absent."""

    column: str
    attribute: str
    fallback: Any
    description: str


PLAN_FIELDS = (
    Field("status", "status", "", "optimal (proven), feasible (time limit reached; see "
          "optimality_gap), infeasible (no compliant plan), skipped (the run's time "
          "limit ran out before it was started) or error"),
    Field("organization", "organization", "", "the organization's name"),
    Field("currency", "currency", "", "currency of every amount"),
    Field("at", "at", "", "planning point"),
    Field("annual_cost", "annual_cost", None, "cost of the plan [currency/year]"),
    Field("current_annual_cost", "current_annual_cost", None,
          "today's run-rate: the holdings renewed as they are [currency/year]"),
    Field("baseline_annual_cost", "baseline_annual_cost", None,
          "the compliant status quo: current cost plus the like-for-like cure of the "
          "compliance gap [currency/year]; blank when no status quo is compliant"),
    Field("savings", "savings", None, "savings of the plan, as the plan reports them "
          "[currency/year]"),
    Field("gap_cure_annual_cost", "compliance_gap_annual_cost", None,
          "what the like-for-like cure of today's compliance gap costs [currency/year]"),
    Field("users_uncovered", "users_uncovered", None,
          "users today's holdings leave unlicensed for some need"),
    Field("optimality_gap", "gap", None, "relative optimality gap; 0 when proven optimal"),
    Field("groups_not_robust", "groups_not_robust", None,
          "groups whose choice flips within the error band of an estimated price"),
    Field("periods", "timeline_periods", None, "with --at timeline: the number of periods"),
    Field("total_cost", "timeline_total_cost", None,
          "with --at timeline: the cost of every period added up [currency]"),
    Field("discounted_total_cost", "timeline_discounted_total_cost", None,
          "with --at timeline: the same, discounted at the organization's discount_rate [currency]"),
)
"""The columns read from a Plan, in order."""

RUN_COLUMNS = ("exit_code", "seconds", "error", "notes")
"""Columns about the run itself: the exit code ``planner solve`` would return, wall time
of reading, planning and rendering [s], the error line(s), the plan's messages."""

PER_ORGANIZATION = ("organization", "currency", "at")
"""Plan columns that are the same in every draw of a sweep (shown once, on its summary)."""

EXIT_FEASIBLE = 3


def cell(value: Any) -> Any:
    """A value as one table cell: numbers, text, flags and None as they are, else text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else value
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # a numpy scalar
        return cell(value.item())
    if hasattr(value, "shape") and hasattr(value, "columns"):  # a DataFrame
        return f"{len(value)} rows"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or None
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value) or None
    return str(value)


def plan_values(plan: Any) -> dict[str, Any]:
    """The :data:`PLAN_FIELDS` columns and the run columns of a plan that was made.

    Parameters
    ----------
    plan : planner.results.Plan
        The plan (any object with some of the attributes works).

    Returns
    -------
    dict
        Column -> cell value; ``exit_code`` is 0, or 3 when the time limit was reached.
    """
    values = {f.column: cell(getattr(plan, f.attribute, f.fallback)) for f in PLAN_FIELDS}
    values["exit_code"] = EXIT_FEASIBLE if values["status"] == "feasible" else 0
    values["error"] = None
    values["notes"] = "; ".join(getattr(plan, "messages", None) or ()) or None
    return values


def failure_values(exc: Exception) -> dict[str, Any]:
    """The columns of an input or draw that failed with ``exc``.

    Returns
    -------
    dict
        ``status`` (``infeasible`` for exit code 1, else ``error``), ``exit_code`` and
        ``error``: the line(s) ``planner solve`` prints for ``exc``.
    """
    lines, code = error_report(exc)
    values: dict[str, Any] = {f.column: f.fallback for f in PLAN_FIELDS}
    values.update(status="infeasible" if code == 1 else "error", exit_code=code,
                  error=" | ".join(lines), notes=None)
    return values


def skipped_values(seconds: float) -> dict[str, Any]:
    """The columns of an item not started because the run's time limit (``seconds``) ran out."""
    values: dict[str, Any] = {f.column: f.fallback for f in PLAN_FIELDS}
    values.update(status="skipped", exit_code=EXIT_FEASIBLE, notes=None,
                  error=f"time limit reached: not planned within the run's {seconds:g} s")
    return values


def lost_values(message: str) -> dict[str, Any]:
    """The columns of an item whose worker process died on every try."""
    values = failure_values(RuntimeError(message))
    values.update(error=message)
    return values
