"""Independent audit of a timeline's transitions, from its tables and the catalog alone.

The per-period plans are audited by :func:`planner.audit.checks.audit`; this module checks
what ties the periods together, re-deriving every rule from the rows:

- arithmetic: each row costs units x unit price x 12 (x the period's years), and the
  periods add up;
- commitments: units bought in a period run, unchanged, in every later period up to the
  end of their term (the renewal under an Enterprise Agreement, else ``term_years``) and
  not after it;
- renewals: a product is never renewed above what was held of it before;
- platform: under an Enterprise Agreement, a platform family held in one period is still
  held in the next unless the next begins at a renewal.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd

from planner.catalog.load import Catalog
from planner.dates import add_years, year_fraction
from planner.input.organization import OrgInputs

BOUGHT = ("buy", "true-up", "step-up")
HELD = ("running", "renew", "buy", "true-up", "step-up")
MONTHS = 12
TOLERANCE = 0.02


def _term_end(inputs: OrgInputs, catalog: Catalog, periods: pd.DataFrame, start: date) -> date:
    rules = catalog.platform_rules
    if inputs.org.agreement in rules.get("platform_agreements", "EA;EAS").split(";"):
        later = [date.fromisoformat(s) for s, at in zip(periods["start"], periods["at"])
                 if at == "renewal" and date.fromisoformat(s) > start]
        return min(later) if later else date.max
    return add_years(start, max(1, int(rules.get(f"term_years_{inputs.org.agreement}", 1))))


def audit_transitions(inputs: OrgInputs, catalog: Catalog, periods: pd.DataFrame,
                      lines: pd.DataFrame) -> list[str]:
    """Every transition rule the timeline breaks (empty when it keeps them all)."""
    out: list[str] = []
    starts = {int(r.period): date.fromisoformat(r.start) for r in periods.itertuples(index=False)}
    for r in periods.itertuples(index=False):
        years = year_fraction(date.fromisoformat(r.start), date.fromisoformat(r.end))
        rows = lines[lines["period"] == r.period]
        for x in rows.itertuples(index=False):
            want = 0.0 if x.action == "drop" else x.quantity * x.unit_price * MONTHS
            if abs(want - x.annual_cost) > TOLERANCE or abs(want * years - x.period_cost) > TOLERANCE * max(1, years):
                out.append(f"{r.start}: {x.action} {x.product} costs {x.annual_cost:.2f}, expected {want:.2f}")
        if abs(float(rows["annual_cost"].sum()) - r.annual_cost) > TOLERANCE * max(1, len(rows)):
            out.append(f"{r.start}: the rows do not add up to the period's run-rate")
        if abs(r.annual_cost * years - r.cost) > TOLERANCE * max(1, years):
            out.append(f"{r.start}: cost is not run-rate x {years:.3f} years")
    # commitments: every purchase runs to its term end, unchanged
    for x in lines[lines["action"].isin(BOUGHT)].itertuples(index=False):
        start = starts[int(x.period)]
        end = _term_end(inputs, catalog, periods, start)
        tag = f"bought {start.isoformat()}"
        for t, day in starts.items():
            if t <= x.period:
                continue
            carried = lines[(lines["period"] == t) & (lines["product"] == x.product)
                            & (lines["action"] == "running") & (lines["note"] == tag)]
            units = int(carried["quantity"].sum())
            if day < end and units != x.quantity:
                out.append(f"{day}: {x.quantity} {x.product} {tag} run until {end}, found {units}")
            if day >= end and units:
                out.append(f"{day}: {x.product} {tag} still running after its term ended {end}")
    # renewals never exceed what was held before
    held = defaultdict(int)
    for h in inputs.holdings:
        held[h.product] += h.quantity
    last_renewal: dict[str, int] = {}
    for t in sorted(starts):
        renewed = lines[(lines["period"] == t) & (lines["action"] == "renew")].groupby("product")["quantity"].sum()
        for product, quantity in renewed.items():
            cap = last_renewal.get(product, held[product])
            if quantity > cap:
                out.append(f"{starts[t]}: {quantity} {product} renewed, only {cap} held before")
            last_renewal[product] = int(quantity)
    # the platform stays within a term
    if inputs.org.agreement in catalog.platform_rules.get("platform_agreements", "EA;EAS").split(";"):
        def families(t: int) -> set[str]:
            rows = lines[(lines["period"] == t) & lines["action"].isin(HELD) & (lines["quantity"] > 0)]
            return {catalog.product(p).family for p in rows["product"]} - {""}
        ats = dict(zip(periods["period"], periods["at"]))
        ordered = sorted(starts)
        for before, t in zip(ordered, ordered[1:]):
            if ats[t] != "renewal":
                for fam in sorted(families(before) - families(t)):
                    out.append(f"{starts[t]}: the {fam} lapses mid-term")
    return out
