"""Estimate risk: does each group's choice survive the error bands of estimated prices?

Microsoft does not publish several prices the plan rests on (Cloud Add-ons, SA, Windows
per user, VDA ...); the catalog marks each as an estimate with an error band
(``band_pct``). For every estimated product that some group could use, the plan is
re-solved with that price at the bottom and at the top of its band, the others fixed. A
group whose chosen products change is *not robust*; bisection then finds, for each such
group, the price at which its own choice flips (to the band's 1/64) and what it flips to
there. Groups that flip together share the bisection's plans.

The band ends are planned from one model (:class:`~planner.model.reprice.PriceSweep`:
bundles enumerated once, exact at every end, and one program whose objective alone
changes). Where that plan keeps every group's choice, the base choice is optimal at that
end and nothing flips there, even if the end's own options would break a tie the other
way; every other end is checked as before, planned from its own options, and so is every
bisection point (between two prices a pruning that holds at both need not hold: the
cheapest of three variants can change twice).
"""
from __future__ import annotations

from collections.abc import Callable

from planner.catalog.load import Catalog
from planner.errors import NoCompliantPlan
from planner.input.organization import OrgInputs
from planner.model.program import PlanningModel, build_model
from planner.model.options import enumerate_options
from planner.catalog.pricing import Pricing
from planner.model.reprice import PriceSweep
from planner.model.solver import solve_model
from planner.results import ROBUSTNESS_COLUMNS
from planner.table import Table

BISECTION_STEPS = 6

Choice = dict[str, frozenset[tuple[str, ...]]]


def choices_with_scale(inputs: OrgInputs, catalog: Catalog, at: str, solver: str, time_limit,
             scale: dict[str, float]) -> Choice | None:
    """Per group, the set of bundles chosen with prices scaled by ``scale``."""
    pricing = Pricing.for_plan(inputs, catalog, at, scale)
    options = enumerate_options(inputs, catalog, pricing)
    if any(go.shortfalls for go in options.groups):
        return None
    m = build_model(inputs, options, pricing, catalog)
    outcome = solve_model(m, solver, time_limit)
    if outcome.status not in ("optimal", "feasible"):
        return None
    return choice_of(m)


def choice_of(m: PlanningModel) -> Choice:
    """Per group of the solved model ``m``, the set of bundles its users hold."""
    out: dict[str, set[tuple[str, ...]]] = {go.group.name: set() for go in m.options.groups}
    for (gi, bi), users in m.values(m.col_users).items():
        if users > 0.5:
            go = m.options.groups[gi]
            out[go.group.name].add(go.bundles[bi].products)
    return {g: frozenset(b) for g, b in out.items()}


def band_end_choices(inputs: OrgInputs, catalog: Catalog, at: str, solver: str, time_limit,
                     ends: list[tuple[str, float]]) -> list[Choice | None]:
    """:func:`choices_with_scale` at each ``(product, scale)`` of ``ends``, from one model."""
    if not ends:
        return []
    pricings = [Pricing.for_plan(inputs, catalog, at, {product: scale}) for product, scale in ends]
    sweep = PriceSweep([inputs] * len(ends), catalog, at, pricings)
    if not sweep.feasible:
        return [None] * len(ends)
    out: list[Choice | None] = []
    for k in range(len(ends)):
        m = sweep.solved(k, solver, time_limit)
        out.append(None if m is None else choice_of(m))
    return out


def estimated_products(pricing: Pricing, candidates: set[str]) -> dict[str, float]:
    """Estimated products among ``candidates`` with their band as a fraction."""
    out = {}
    for p in sorted(candidates):
        band = pricing.estimate_band(p)
        if band:
            out[p] = band / 100
    return out


def _label(bundles: frozenset[tuple[str, ...]]) -> str:
    return " | ".join(" + ".join(b) for b in sorted(bundles))


def band_ends(inputs: OrgInputs, pricing: Pricing, candidates: set[str]) -> list[tuple[str, float, float]]:
    """``(product, price, scale)`` of both ends of the band of every estimated product among
    ``candidates`` that has a price; the price is the one that decides, a held line's
    (renewal or SA) price, else a new unit's."""
    out = []
    for product, band in estimated_products(pricing, candidates).items():
        holding = next((h for h in inputs.holdings if h.product == product), None)
        price = pricing.holding_price(holding) if holding else pricing.buy_price(product)
        if price:
            out += [(product, price, 1 - band), (product, price, 1 + band)]
    return out


def flip_scale(keeps: Callable[[float], bool], end: float) -> float:
    """The scale nearest 1 (within the band's 1/2**BISECTION_STEPS) at which ``keeps`` turns
    False, by bisection between 1 (kept) and ``end`` (not kept)."""
    lo, hi = 1.0, end
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if keeps(mid) else (lo, mid)
    return hi


def _keeps(choice: Choice | None, group: str, base: Choice) -> bool:
    return choice is not None and choice.get(group) == base[group]


def check_robustness(inputs: OrgInputs, catalog: Catalog, at: str, solver: str, time_limit,
                     pricing: Pricing, candidates: set[str], base: Choice,
                     progress: Callable[[str], None] | None = None) -> Table:
    """One row per group: robust or not, and the estimated price that flips its choice."""
    flips: dict[str, tuple[str, float, str]] = {}
    ends = band_ends(inputs, pricing, candidates)
    shared = band_end_choices(inputs, catalog, at, solver, time_limit, [(p, end) for p, _, end in ends])
    for k, ((product, price, end), kept) in enumerate(zip(ends, shared)):
        if kept is not None and all(kept.get(g) == base[g] for g in base):
            pass  # the base choice is optimal at this end: its own options could only break a tie
        elif (moved := choices_with_scale(inputs, catalog, at, solver, time_limit, {product: end})):
            probes: dict[float, Choice | None] = {end: moved}

            def probed(scale: float) -> Choice | None:
                if scale not in probes:
                    probes[scale] = choices_with_scale(inputs, catalog, at, solver, time_limit,
                                                       {product: scale})
                return probes[scale]

            for g in (g for g in base if moved.get(g) != base[g] and g not in flips):
                hi = flip_scale(lambda scale: _keeps(probed(scale), g, base), end)
                flips[g] = (product, round(price * hi, 2), _label((probed(hi) or moved)[g]))
        if progress and (k + 1 == len(ends) or ends[k + 1][0] != product):
            progress(product)
    rows = [dict(group=g, robust=g not in flips, flips_product=flips.get(g, ("",))[0],
                 flips_at=flips[g][1] if g in flips else None,
                 flips_to=flips[g][2] if g in flips else "") for g in base]
    return Table.from_dicts(ROBUSTNESS_COLUMNS, rows)


__all__ = ["check_robustness", "estimated_products", "ROBUSTNESS_COLUMNS", "NoCompliantPlan"]
