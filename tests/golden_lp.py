"""A tiny organization that exercises every constraint family, and its LP split by family.

Used by tests/model/test_golden_lp.py and scripts/regen_goldens.py.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from planner.catalog.load import load_catalog
from planner.input.organization import Group, Holding, Organization, OrgInputs
from planner.model.program import build_model
from planner.model.options import enumerate_options
from planner.catalog.pricing import Pricing

GOLDEN = Path(__file__).resolve().parent / "golden" / "lp"
FAMILIES = ("assigned_holding", "enterprise_wide", "family_in_use", "headcount", "running_sa",
            "sa_backing", "step_up_source", "supply")
ENDS = date(2027, 6, 30)


def golden_org() -> OrgInputs:
    """Platform users with running SA, step-up sources, an assigned holding, new users."""
    org = Organization(name="golden", agreement="EA", as_of=date(2026, 11, 23), renewal_date=ENDS)
    groups = (
        Group("platform", 4, devices_per_user=2, primary_device="windows_enterprise",
              needs=("m365_e3_equivalent",)),
        Group("leaders", 2, primary_device="windows_pro", needs=("m365_e5_equivalent", "copilot")),
        Group("new", 3, primary_device="windows_pro", needs=("desktop_platform",)),
    )
    holdings = (
        Holding("professional_desktop", 8, sa=True, ends=ENDS),
        Holding("core_cal_suite", 4, sa=True, ends=ENDS),
        Holding("m365_e3", 2, group="leaders", ends=ENDS),
    )
    return OrgInputs(org, groups, holdings)


def lp_text(tmp_path: Path) -> str:
    """The LP file of the golden organization's model."""
    catalog = load_catalog()
    inputs = golden_org()
    pricing = Pricing.for_plan(inputs, catalog, "now")
    m = build_model(inputs, enumerate_options(inputs, catalog, pricing), pricing, catalog)
    path = tmp_path / "golden.lp"
    m.problem.writeLP(str(path))
    return path.read_text()


def by_family(text: str) -> dict[str, str]:
    """Constraint blocks of the LP grouped by family; unknown names go to ``unknown``."""
    body = text.split("Subject To", 1)[1].split("\nBounds", 1)[0]
    blocks: dict[str, list[str]] = {}
    current = None
    for line in body.splitlines():
        match = re.match(r"^(\S+):", line)
        if match:
            name = match.group(1)
            current = next((f for f in FAMILIES if name.startswith(f + "_")), "unknown")
        if current and line.strip():
            blocks.setdefault(current, []).append(line.rstrip())
    return {k: "\n".join(v) + "\n" for k, v in blocks.items()}
