"""What every licence tool reports, counted, with the annual cost at list price.

- unassigned seats: ``prepaidUnits.enabled - consumedUnits`` per SKU;
- overlapping licences: a user holds a product whose every capability another of the
  user's products already gives (EMS E3 on top of Microsoft 365 E3), or the same product
  through two SKUs; judged on the catalog's ``provides``;
- licences on disabled (sign-in blocked) users, on inactive users (no sign-in or activity
  in the inactivity period), on guests, and on shared or resource mailboxes; a licence a
  group assigns is reclaimed by taking the user out of the group, which the detail says;
- licence assignments in error (``licenseAssignmentStates``), which are not in effect;
- Copilot licensed but not used in the Copilot report's period;
- units expired and in the grace period (``prepaidUnits.warning``).

Cost = count x the product's monthly list price in the price list in force on the
planning date x 12; blank for SKUs without a catalog product or a list price.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.importer.evidence import (
    EXCLUDED_DISABLED,
    EXCLUDED_GUEST,
    EXCLUDED_INACTIVE,
    EXCLUDED_SHARED,
    Inference,
)
from planner.importer.products import ProductMap
from planner.importer.skus import SkuTable
from planner.importer.tenant import Tenant, User


@dataclass
class Finding:
    """One Findings row."""

    finding: str
    sku: str
    product: str
    count: int
    unit_price: float | None
    detail: str

    @property
    def annual_cost(self) -> float | None:
        """Count x monthly list price x 12, or None without a price."""
        return None if self.unit_price is None else round(self.count * self.unit_price * 12, 2)


class Pricer:
    """Monthly list price of a catalog product on the planning date."""

    def __init__(self, catalog: Any, on: date):
        self.prices = catalog.list_in_force(on)

    def __call__(self, product: str | None) -> float | None:
        """List price of ``product`` per unit per month (None without a product or price)."""
        return self.prices.unit_price(product) if product else None


def _overlaps(products: tuple[str, ...], catalog: Any) -> list[tuple[str, str]]:
    """(redundant product, product that already covers it) pairs of one user."""
    pairs = []
    for b in products:
        gives = catalog.items[b].provides
        if not gives:
            continue
        cover = next((a for a in products if a != b and gives <= catalog.items[a].provides
                      and (gives != catalog.items[a].provides or a < b)), None)
        if cover:
            pairs.append((b, cover))
    return pairs


def build_findings(tenant: Tenant, table: SkuTable, products: ProductMap, inference: Inference,
                   idle_copilot: Counter, price: Pricer) -> list[Finding]:
    """Every finding of the tenant (see the module docstring)."""
    catalog = products.catalog
    found: list[Finding] = []

    def add(finding: str, key: str, count: int, detail: str, product: str | None = None) -> None:
        pid = product or products.product(key)
        found.append(Finding(finding, table.label(key), pid or "", count, price(pid), detail))

    assigned = Counter(k for u in tenant.users.values() for k in u.skus)
    for sku in tenant.skus:
        used_units = sku.consumed if sku.consumed is not None else assigned[sku.key]
        if sku.enabled > used_units:
            add("unassigned seats", sku.key, sku.enabled - used_units,
                f"{sku.enabled} owned, {used_units} assigned")
        if sku.warning:
            add("units expired, in the grace period", sku.key, sku.warning,
                "not renewed: assign elsewhere or let lapse")
    overlap: Counter = Counter()
    twice: Counter = Counter()
    why: dict[str, Counter] = {EXCLUDED_DISABLED: Counter(), EXCLUDED_INACTIVE: Counter(),
                               EXCLUDED_GUEST: Counter(), EXCLUDED_SHARED: Counter()}
    by_group: Counter = Counter()
    errors: Counter = Counter()
    for user in tenant.users.values():
        errors.update(user.errored.items())
        reason = inference.excluded(user)
        if reason in why:
            why[reason].update(user.skus)
            by_group.update((reason, k) for k in user.skus & user.by_group)
            continue
        if reason is not None:
            continue
        overlap.update(_overlaps(inference.active_products(user), catalog))
        twice.update(_same_product(user, products))
    for (b, a), n in sorted(overlap.items()):
        found.append(Finding("overlapping licence", catalog.items[b].sku or b, b, n, price(b),
                             f"{b} on top of {a}, which already gives all of it"))
    for pid, n in sorted(twice.items()):
        found.append(Finding("same product through two SKUs", catalog.items[pid].sku or pid, pid,
                             n, price(pid), f"users hold {pid} twice"))
    labels = {EXCLUDED_DISABLED: "licence on a disabled user",
              EXCLUDED_INACTIVE: "licence on an inactive user",
              EXCLUDED_GUEST: "licence on a guest user",
              EXCLUDED_SHARED: "licence on a shared or resource mailbox"}
    for reason, counts in why.items():
        for key, n in sorted(counts.items()):
            grouped = by_group[(reason, key)]
            add(labels[reason], key, n, "reclaim before buying" + (
                f" ({grouped} assigned by a group: remove the user from the group)"
                if grouped else ""))
    for (key, err), n in sorted(errors.items()):
        add("licence assignment in error", key, n,
            f"{err}: not in effect; fix the assignment (the need is kept in Groups)")
    for pid, n in sorted(idle_copilot.items()):
        found.append(Finding("Copilot licensed, not used", catalog.items[pid].sku or pid, pid, n,
                             price(pid), "no activity in the Copilot report period: reclaim or reassign"))
    return found


def _same_product(user: User, products: ProductMap) -> list[str]:
    counts = Counter(products.product(k) for k in user.skus)
    return [pid for pid, n in counts.items() if pid and n > 1]
