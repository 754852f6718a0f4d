"""The plan's headline amounts, labelled once for every renderer (console and Summary).

A renderer shows what the :class:`~planner.results.Plan` holds: amounts a plan may or
may not carry (``current_annual_cost``, ``compliance_gap``) are shown when present. A
negative saving is never shown as a saving (a plan stopped at its time limit may cost more
than the baseline): it is shown as a positive extra cost under that label.
"""
from __future__ import annotations

from dataclasses import dataclass

BASELINE_LABEL = "Baseline (compliant status quo)"
SAVINGS_LABEL = "Savings"
EXTRA_COST_LABEL = "Extra cost vs the baseline"
TIMELINE_TOTAL_LABEL = "Timeline total (every period)"
CHAINED_LABEL = "Timeline planned one point at a time"
PATH_SAVING_LABEL = "Saved by planning the path"
# Plan attribute -> label, in the order shown; attributes a plan lacks are skipped.
AMOUNTS = (
    ("annual_cost", "Annual cost"),
    ("committed_annual_cost", "of which committed"),
    ("current_annual_cost", "Current annual cost (holdings renewed as they are)"),
    ("compliance_gap", "Compliance gap (like-for-like cure)"),
    ("baseline_annual_cost", BASELINE_LABEL),
)


@dataclass(frozen=True)
class Amount:
    """One labelled amount [currency/year].

    ``key`` names it in the plan workbook's Summary (read back by
    :func:`planner.report.read.read_plan`); ``tone`` is ``total``, ``good``, ``bad`` or
    empty, for emphasis.
    """

    key: str
    label: str
    value: float
    tone: str = ""


def headline_amounts(plan) -> list[Amount]:
    """The plan's amounts in the order shown, ending with the savings or the extra cost.

    Parameters
    ----------
    plan : planner.results.Plan
        The plan; optional attributes are read with ``getattr``.

    Returns
    -------
    list of Amount
        ``savings`` when the plan saves money (or breaks even), else ``extra_cost``
        holding the positive amount the plan costs more than renewing as is.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> plan = SimpleNamespace(annual_cost=120.0, committed_annual_cost=0.0,
    ...                        baseline_annual_cost=100.0, savings=-20.0)
    >>> [(a.key, a.value) for a in headline_amounts(plan)][-1]
    ('extra_cost', 20.0)
    """
    amounts = []
    for key, label in AMOUNTS:
        value = getattr(plan, key, None)
        if isinstance(value, dict):  # the compliance gap: its cure's cost, with its users
            label = f"{label}, {value.get('users', 0):,} users uncovered"
            value = value.get("annual_cost")
        if value is not None:
            amounts.append(Amount(key, label, float(value), "total" if key == "annual_cost" else ""))
    savings = getattr(plan, "savings", None)
    if savings is not None and savings >= 0:
        amounts.append(Amount("savings", SAVINGS_LABEL, float(savings), "good"))
    elif savings is not None:
        amounts.append(Amount("extra_cost", EXTRA_COST_LABEL, -float(savings), "bad"))
    return amounts + timeline_amounts(getattr(plan, "timeline", None))


def timeline_amounts(timeline) -> list[Amount]:
    """A timeline's totals over every period (none for a single planning point)."""
    if timeline is None:
        return []
    out = [Amount("timeline_total_cost", TIMELINE_TOTAL_LABEL, float(timeline.total_cost), "total")]
    if timeline.discount_rate:
        out.append(Amount("timeline_discounted_total_cost",
                          f"{TIMELINE_TOTAL_LABEL}, discounted at {timeline.discount_rate:.1%} a year",
                          float(timeline.discounted_total_cost)))
    if timeline.chained_total_cost is not None:
        out.append(Amount("timeline_chained_total_cost", CHAINED_LABEL, float(timeline.chained_total_cost)))
        out.append(Amount("timeline_saving", PATH_SAVING_LABEL, float(timeline.saving_over_chained), "good"))
    return out
