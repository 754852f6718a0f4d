"""Holdings (licences owned) from the tenant's subscribed SKUs and subscription terms.

Held = ``prepaidUnits.enabled`` of each SKU with a catalog product, minus trial units;
``warning`` units (expired, in the grace period) are not held but reported. ``ends`` is
the subscription's ``nextLifecycleDateTime``: a SKU's units are split by the end dates of
its enabled subscriptions (joined through ``subscriptionIds``, else by skuId or part
number); units no subscription accounts for keep a blank ``ends``. What the tenant cannot
show (Software Assurance, whether a seat is a Cloud Add-on or a step-up, paid-up
perpetual licences) stays blank, with a note to fill it in.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from planner.importer.products import ProductMap
from planner.importer.readers import Problems
from planner.importer.tenant import OwnedSku, Subscription, Tenant


@dataclass
class HoldingRow:
    """One Holdings row."""

    product: str
    quantity: int
    ends: date | None


@dataclass
class HoldingsResult:
    """Holdings rows, SKUs without a catalog product, and notes for the analyst."""

    rows: list[HoldingRow] = field(default_factory=list)
    unmapped: list[OwnedSku] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _subscriptions(sku: OwnedSku, subs: list[Subscription], key_of) -> list[Subscription]:
    if sku.subscription_ids:
        return [s for s in subs if s.id in sku.subscription_ids]
    return [s for s in subs if (sku.guid and s.guid == sku.guid) or (s.part and key_of(s.part) == sku.key)]


def _active(sub: Subscription) -> bool:
    return sub.status.lower() == "enabled"


def build_holdings(tenant: Tenant, products: ProductMap, problems: Problems) -> HoldingsResult:
    """The Holdings rows of ``tenant`` (one per product and end date)."""
    from planner.importer.skus import part_key

    result = HoldingsResult()
    merged: dict[tuple[str, date | None], int] = defaultdict(int)
    for sku in tenant.skus:
        pid = products.product(sku.key)
        if pid is None:
            result.unmapped.append(sku)
            problems.warn(f"SKU {sku.part} ({sku.enabled} units owned, {sku.consumed or 0} "
                          "assigned) has no catalog product; left out (see the Unmapped sheet)",
                          sku.file, sku.row, "skuPartNumber")
            continue
        subs = _subscriptions(sku, tenant.subscriptions, part_key)
        trial = sum(s.total or 0 for s in subs if s.trial and _active(s))
        held = max(sku.enabled - trial, 0)
        if trial:
            result.notes.append(f"{sku.part}: {trial} trial units are not held")
        if sku.warning:
            result.notes.append(f"{sku.part}: {sku.warning} units are expired (in the grace "
                                "period) and not held")
        if held <= 0:
            continue
        terms = [s for s in subs if _active(s) and not s.trial and s.total]
        if not terms:
            merged[(pid, None)] += held
            if tenant.subscriptions:
                result.notes.append(f"{sku.part}: no subscription term found; ends left blank")
            continue
        left = held
        for sub in sorted(terms, key=lambda s: s.ends or date.max):
            take = min(sub.total or 0, left)
            merged[(pid, sub.ends)] += take
            left -= take
        if left:
            merged[(pid, None)] += left
            result.notes.append(f"{sku.part}: {left} units are in no subscription; ends left blank")
    if tenant.skus and not tenant.subscriptions:
        result.notes.append("no directory/subscriptions export: Holdings ends are blank")
    if not tenant.skus:
        result.notes.append("no subscribedSkus export: Holdings are empty, so every licence "
                            "is priced as a new purchase; add the export or fill Holdings in")
    order = list(products.catalog.items)
    result.rows = [HoldingRow(p, q, e) for (p, e), q in
                   sorted(merged.items(), key=lambda kv: (order.index(kv[0][0]),
                                                          kv[0][1] or date.max)) if q > 0]
    return result


def renewal_guess(rows: list[HoldingRow]) -> date | None:
    """The end date holding the most units (a guess at the agreement's renewal date)."""
    units: dict[date, int] = defaultdict(int)
    for row in rows:
        if row.ends:
            units[row.ends] += row.quantity
    return max(units, key=lambda d: (units[d], d)) if units else None
