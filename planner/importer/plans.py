"""What a licence with disabled service plans still gives, read from the catalog's data.

An administrator can disable service plans on a user's licence (Graph ``disabledPlans``,
service plan GUIDs). A catalog capability is defined by service plans
(``capabilities.csv`` ``service_plans``), and ``service_plans.csv`` lists the plans of each
catalog SKU with their GUIDs, so a capability the licence gives only through disabled
plans is lost, together with the lower tiers that only it implied. Capabilities the
product gets otherwise (a ``rules/rights.csv`` grant, an included product) are kept.
Nothing here names a product or a plan: everything is read from the loaded catalog.
"""
from __future__ import annotations

from typing import Any

from planner.catalog.load import with_lower_tiers
from planner.importer.skus import clean_text, guid_key, part_key


class ServicePlans:
    """Service plans of the catalog's SKUs and the capabilities they define.

    Parameters
    ----------
    catalog : planner.catalog.load.Catalog
        Its ``tables`` (``service_plans``, ``capabilities``, ``rights``), ``items`` and
        ``capabilities`` are read.
    """

    def __init__(self, catalog: Any):
        self.catalog = catalog
        tables = getattr(catalog, "tables", {}) or {}
        self.name_of: dict[str, str] = {}
        self.plans_of_sku: dict[str, set[str]] = {}
        for row in tables.get("service_plans", ()):
            plan = clean_text(row["service_plan"])
            gid = guid_key(row.get("service_plan_id") or "")
            if gid:
                self.name_of[gid] = plan
            self.plans_of_sku.setdefault(part_key(row["sku"]), set()).add(plan)
        self.caps_of_plan: dict[str, set[str]] = {}
        for row in tables.get("capabilities", ()):
            for plan in (p.strip() for p in (row.get("service_plans") or "").split(";")):
                if plan:
                    self.caps_of_plan.setdefault(plan, set()).add(row["id"])
        self.grants: dict[str, set[str]] = {}
        for row in tables.get("rights", ()):
            if row.get("effect") == "grant" and not row.get("agreements"):
                self.grants.setdefault(row["product"], set()).add(row["capability"])
        self._lost: dict[tuple[str, frozenset[str]], tuple[frozenset[str], tuple[str, ...]]] = {}

    def _caps(self, plans: set[str]) -> set[str]:
        caps: set[str] = set()
        for plan in plans:
            caps |= self.caps_of_plan.get(plan, set())
        return with_lower_tiers(caps, self.catalog.capabilities)

    def lost(self, product: str, disabled: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
        """(capabilities of ``product`` lost when the plans ``disabled`` (GUIDs) are off,
        the names of the disabled plans that define a capability)."""
        key = (product, disabled)
        if key not in self._lost:
            item = self.catalog.items[product]
            plans: set[str] = set()
            for sku in (item.sku or "").replace(",", ";").split(";"):
                plans |= self.plans_of_sku.get(part_key(sku), set())
            off = {self.name_of[g] for g in disabled if g in self.name_of} & plans
            kept = set(self.grants.get(product, ()))
            for inc in item.includes:
                kept |= self.catalog.items[inc].provides
            gone = self._caps(plans) - self._caps(plans - off) - with_lower_tiers(
                kept, self.catalog.capabilities)
            self._lost[key] = (frozenset(gone & item.provides), tuple(sorted(off)))
        return self._lost[key]
