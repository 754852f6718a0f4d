"""planner: the cheapest compliant mix of Microsoft 365 licenses, and why.

Public API (what notebooks and scripts use)::

    import planner
    org = planner.read_org("org.xlsx")
    result = planner.plan(org, at="now")
    result.purchases            # pandas DataFrame
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from planner.errors import InputError, NoCompliantPlan, PlannerError
from planner.input.organization import Group, Holding, Organization, OrgInputs, PriceOverride

if TYPE_CHECKING:
    from planner.catalog.load import load_catalog
    from planner.pipeline import plan
    from planner.results import Plan

__version__ = "0.1.0"

# Imported on first use, so that a command importing one submodule (``planner --help``,
# ``planner validate``) does not pay for PuLP, pandas and the model.
_LAZY = {"load_catalog": "planner.catalog.load", "plan": "planner.pipeline", "Plan": "planner.results"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


def read_org(path, catalog=None) -> OrgInputs:
    """Read and validate an organization workbook (see :func:`planner.input.validate.read_org`)."""
    from planner.input.validate import read_org as _read_org

    return _read_org(path, catalog=catalog)


def solve(source, at: str = "now", **kwargs) -> "Plan":
    """Plan from a workbook path or an :class:`OrgInputs`; keyword arguments go to :func:`plan`."""
    from planner.pipeline import plan as make_plan

    inputs = source if isinstance(source, OrgInputs) else read_org(source)
    return make_plan(inputs, at=at, **kwargs)


__all__ = [
    "Group", "Holding", "InputError", "NoCompliantPlan", "Organization", "OrgInputs", "Plan",
    "PlannerError", "PriceOverride", "load_catalog", "plan", "read_org", "solve",
]
