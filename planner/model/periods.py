"""The periods of a timeline plan, and the organization as it stands in each.

A timeline runs from ``as_of`` through every agreement anniversary up to the renewal, the
renewal, and ``years`` years after it. Every date inside that horizon on which a holding
ends, a Growth row starts or a catalog price list takes effect also starts a period, so
no line is used past its end and each period has one headcount and one price list. Each period is planned with
the single-point rules of the date it starts on: ``renewal`` semantics on a renewal date
(the agreement's next renewal is then ``term_years`` later), ``now`` semantics otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from planner.catalog.load import Catalog
from planner.dates import add_years, year_fraction
from planner.errors import InputError, Issue
from planner.input.organization import Group, Holding, OrgInputs


@dataclass(frozen=True)
class Period:
    """One period of a timeline: ``[start, end)`` planned with ``at`` semantics.

    ``renewal`` is the agreement's renewal date in force during the period (the period's
    own start when it is a renewal period); ``term`` counts the agreement terms begun since
    ``as_of`` (0 until the first renewal).
    """

    index: int
    start: date
    end: date
    at: str
    renewal: date
    term: int

    @property
    def years(self) -> float:
        """Length of the period in years."""
        return year_fraction(self.start, self.end)

    @property
    def label(self) -> str:
        """``2027-11-23 renewal`` / ``2026-11-23 now`` / ``2027-06-30 anniversary``."""
        kind = "renewal" if self.at == "renewal" else ("now" if self.index == 0 else "anniversary")
        return f"{self.start.isoformat()} {kind}"


def term_years(inputs: OrgInputs, catalog: Catalog) -> int:
    """Length of one agreement term in years (catalog rule ``term_years_<agreement>``)."""
    return int(catalog.platform_rules.get(f"term_years_{inputs.org.agreement}", 3))


def timeline_periods(inputs: OrgInputs, catalog: Catalog, years: int = 1) -> list[Period]:
    """The periods from ``as_of`` to ``years`` years after the renewal.

    Raises
    ------
    InputError
        Without a ``renewal_date``, with one before ``as_of``, or with ``years`` < 1.
    """
    org = inputs.org
    if years < 1:
        raise InputError(Issue(f"--years must be at least 1 (got {years})", inputs.source,
                               hint="the number of years planned after the renewal"))
    if org.renewal_date is None:
        raise InputError(Issue("a timeline needs renewal_date on the Organization sheet",
                               inputs.source, "Organization", column="value"))
    if org.renewal_date < org.as_of:
        raise InputError(Issue(f"renewal_date {org.renewal_date} is before as_of {org.as_of}: "
                               "a timeline starts at as_of and runs through the renewal",
                               inputs.source, "Organization", column="value"))
    term = max(1, term_years(inputs, catalog))
    first = org.renewal_date
    horizon = add_years(first, years)
    renewals = [add_years(first, term * k) for k in range(0, years // term + 2)]
    renewals = [d for d in renewals if d < horizon]
    starts = {org.as_of, *renewals}
    k = 1
    while (anniversary := add_years(first, -k)) > org.as_of:
        starts.add(anniversary)
        k += 1
    starts |= {add_years(first, k) for k in range(1, years)}
    inside = lambda day: org.as_of < day < horizon  # noqa: E731
    starts |= {h.ends for h in inputs.holdings if h.ends and inside(h.ends)}
    starts |= {g.start for g in inputs.growth if inside(g.start)}
    if org.price_list is None:
        starts |= {pl.effective_date for pl in catalog.price_lists.values() if inside(pl.effective_date)}
    ordered = sorted(starts)
    periods = []
    for i, start in enumerate(ordered):
        end = ordered[i + 1] if i + 1 < len(ordered) else horizon
        at = "renewal" if start in renewals else "now"
        renewal = min(d for d in [*renewals, add_years(renewals[-1], term)] if d >= start)
        if at == "now" and renewal == start:
            renewal = add_years(start, term)
        periods.append(Period(i, start, end, at, renewal, sum(1 for d in renewals if d <= start)))
    return periods


def users_in(group: Group, inputs: OrgInputs, on: date) -> int:
    """The group's headcount on ``on``: its last Growth row started by then, else Groups."""
    rows = [g for g in inputs.growth if g.group == group.name and g.start <= on]
    return max(rows, key=lambda g: g.start).users if rows else group.users


def period_inputs(inputs: OrgInputs, period: Period,
                  holdings: tuple[Holding, ...] | None = None) -> OrgInputs:
    """The organization as the single-point rules see it in ``period``.

    ``as_of`` becomes the period's start and ``renewal_date`` the renewal in force;
    headcounts follow the Growth sheet; ``holdings`` replace the workbook's when given.
    """
    org = replace(inputs.org, as_of=period.start, renewal_date=period.renewal)
    groups = tuple(replace(g, users=users_in(g, inputs, period.start)) for g in inputs.groups)
    return inputs.replace(org=org, groups=groups,
                          holdings=inputs.holdings if holdings is None else tuple(holdings))


def platform_placeholders(inputs: OrgInputs, catalog: Catalog, period: Period) -> tuple[Holding, ...]:
    """Zero-unit holdings of the platform products of families the organization lacks.

    Added to every period after the first: a desktop platform or CAL suite first bought
    in the timeline (at the renewal, say) may grow at the anniversaries after it, and must
    then be enterprise-wide. The single-point rules do both only for a held family, so
    these placeholders make the family "held" in the period's options and model; whether
    it is really in use, and may be, is the timeline's linking rule (``active``).
    """
    if period.index == 0:
        return ()
    held = {catalog.product(h.product).family for h in inputs.holdings} - {""}
    agreement = inputs.org.agreement
    return tuple(Holding(product=p, quantity=0) for p in catalog.product_ids
                 if catalog.product(p).family and catalog.product(p).family not in held
                 and catalog.product(p).sold_under(agreement))
