"""The robustness check: every band end planned alone (as before) against one shared model.

``python -m benchmarks.robustness [--runs 3] [--quick]`` plans the synthetic organizations
of :mod:`benchmarks.generate` (40 personas, the most :func:`planner.plan` checks by
default) and the six scenarios, then times the robustness step both ways in the same
process, alternating: :func:`today_robustness` (the check as it was before issue 15: each
band end and each bisection point gets its own options, model and solve) and
:func:`planner.model.robustness.check_robustness`. It prints the medians, their ratio and
whether the flagged groups and their flips agree: they must, except where the check skips
a band end at which the shared model keeps every group's choice but the end planned alone
breaks a tie the other way (a tie end); then the check flags a subset.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORGS = [(20000, 40, 12, "renewal", 0), (20000, 40, 12, "now", 1), (5000, 40, 8, "renewal", 2),
        (5000, 40, 8, "now", 3)]
QUICK = [(2000, 10, 6, "renewal", 0)]


def today_robustness(inputs, catalog, at, solver, pricing, used, base) -> dict[str, tuple]:
    """Group -> (product, flips_at, band end) of the groups whose choice flips, each band end
    and bisection point planned from its own options (the check before issue 15; each
    group bisected to its own flip price, as the check does since)."""
    from planner.model.robustness import choices_with_scale, estimated_products, flip_scale

    flips: dict[str, tuple] = {}
    for product, band in estimated_products(pricing, used).items():
        holding = next((h for h in inputs.holdings if h.product == product), None)
        price = pricing.holding_price(holding) if holding else pricing.buy_price(product)
        for end in ((1 - band, 1 + band) if price else ()):
            moved = choices_with_scale(inputs, catalog, at, solver, None, {product: end})
            changed = [g for g in base if moved and moved.get(g) != base[g] and g not in flips]
            for g in changed:
                def keeps(scale, g=g, product=product):
                    probe = choices_with_scale(inputs, catalog, at, solver, None, {product: scale})
                    return bool(probe) and probe.get(g) == base[g]
                flips[g] = (product, round(price * flip_scale(keeps, end), 2), end)
    return flips


def solved_base(inputs, catalog, at: str, solver: str = "cbc"):
    """The base plan's pricing, the products its options use and its choice per group
    (what :func:`planner.plan` hands the check); None without a proven optimum."""
    from planner.catalog.pricing import Pricing
    from planner.model.options import enumerate_options
    from planner.model.program import build_model
    from planner.model.solver import solve_model
    from planner.pipeline import chosen_choice

    pricing = Pricing.for_plan(inputs, catalog, at)
    options = enumerate_options(inputs, catalog, pricing)
    if any(go.shortfalls for go in options.groups):
        return None
    m = build_model(inputs, options, pricing, catalog)
    if solve_model(m, solver, None).status != "optimal":
        return None
    used = {p for go in options.groups for b in go.bundles for p in b.products}
    return pricing, used, chosen_choice(m)


def new_robustness(inputs, catalog, at, solver, pricing, used, base) -> dict[str, tuple]:
    """:func:`~planner.model.robustness.check_robustness` as group -> (product, flips_at)."""
    from planner.model.robustness import check_robustness

    table = check_robustness(inputs, catalog, at, solver, None, pricing, used, base)
    return {r.group: (r.flips_product, r.flips_at) for r in table if not r.robust}


def tie_ends(inputs, catalog, at: str, solver: str = "cbc") -> list[tuple[str, float]]:
    """The band ends where the shared model keeps every group's choice and planning the end
    alone does not: the check skips them, the reference may flag a tie there."""
    from planner.model.robustness import band_end_choices, band_ends, choices_with_scale

    found = solved_base(inputs, catalog, at, solver)
    if found is None:
        return []
    pricing, used, base = found
    ends = [(p, end) for p, _, end in band_ends(inputs, pricing, used)]
    shared = band_end_choices(inputs, catalog, at, solver, None, ends)
    return [(p, end) for (p, end), kept in zip(ends, shared)
            if kept == base and choices_with_scale(inputs, catalog, at, solver, None, {p: end}) != base]


def main(argv=None) -> int:
    """Print the comparison table; exit 1 when the flags disagree."""
    ap = argparse.ArgumentParser(description="robustness: each band end alone vs one model (issue 15)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one small organization, one run")
    ap.add_argument("--solver", default="cbc")
    args = ap.parse_args(argv)
    from benchmarks.generate import synthetic_org
    from planner.catalog.load import load_catalog
    from planner.input.validate import read_org

    catalog = load_catalog()
    cases = [(f"synthetic {u:,} users / {p} personas / {h} holdings seed {s}", synthetic_org(u, p, h, s), at)
             for u, p, h, at, s in (QUICK if args.quick else ORGS)]
    if not args.quick:
        cases += [(f"{path.stem}", read_org(path), at) for path in sorted((ROOT / "scenarios").glob("*.xlsx"))
                  for at in ("now", "renewal")]
    print("| organization | at | today s | shared model s | today / shared | flagged | same flags |")
    print("|---|---|---|---|---|---|---|")
    agree = True
    ratios = []
    for label, inputs, at in cases:
        base = solved_base(inputs, catalog, at, args.solver)
        if base is None:
            continue
        times: dict[str, list[float]] = {"today": [], "new": []}
        found = {}
        for _ in range(1 if args.quick else args.runs):
            for kind, run in (("today", today_robustness), ("new", new_robustness)):
                start = time.perf_counter()
                found[kind] = run(inputs, catalog, at, args.solver, *base)
                times[kind].append(time.perf_counter() - start)
        today, new = (statistics.median(times[k]) for k in ("today", "new"))
        same = found["new"] == {g: f[:2] for g, f in found["today"].items()}
        ties = [] if same else tie_ends(inputs, catalog, at, args.solver)
        explained = bool(ties) and set(found["new"]) <= set(found["today"])
        agree &= same or explained
        ratios.append(today / new)
        verdict = "yes" if same else (f"ties at {len(ties)} band end(s) only" if explained else "NO")
        print(f"| {label} | {at} | {today:.3f} | {new:.3f} | {today / new:.1f} | {len(found['new'])} | "
              f"{verdict} |")
    print(f"\nmedian ratio {statistics.median(ratios):.1f} over {len(ratios)} cases; flags agree: {agree}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
