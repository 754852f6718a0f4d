"""Which catalog product a Microsoft SKU is, read from the catalog's own data.

The catalog's ``products.csv`` names each product's ``sku`` (the skuPartNumber; several
may be listed, separated by ``;``). A SKU the catalog does not list is still the same
product when Microsoft gives it the same display name as a listed SKU (``M365_F1`` and
``M365_F1_COMM`` are both "Microsoft 365 F1"; ``M365_Copilot`` and
``Microsoft_365_Copilot`` are both "Microsoft Copilot for Microsoft 365"), unless that
name belongs to SKUs of two different catalog products. Nothing here lists products: the
catalog is read when the map is made.
"""
from __future__ import annotations

import re
from typing import Any

from planner.importer.skus import SkuTable, name_key, part_key

_LIST = re.compile(r"[;,]")


class ProductMap:
    """SKU key -> catalog product id.

    Parameters
    ----------
    catalog : planner.catalog.load.Catalog
        Its ``items`` (product id -> product with ``sku``) are read.
    table : SkuTable
        Microsoft's names of the SKUs, for the same-name rule.
    """

    def __init__(self, catalog: Any, table: SkuTable):
        self.catalog = catalog
        self.direct: dict[str, str] = {}
        for pid, product in catalog.items.items():
            for sku in _LIST.split(getattr(product, "sku", "") or ""):
                if part_key(sku):
                    self.direct.setdefault(part_key(sku), pid)
        by_name: dict[str, set[str]] = {}
        for key, pid in self.direct.items():
            if key in table.skus:
                by_name.setdefault(name_key(table.name(key)), set()).add(pid)
        self.same_name: dict[str, str] = {}
        for key, sku in table.skus.items():
            pids = by_name.get(name_key(sku.name), set())
            if key not in self.direct and len(pids) == 1:
                self.same_name[key] = next(iter(pids))
        self.table = table

    def product(self, key: str) -> str | None:
        """The catalog product of SKU ``key``, or None."""
        return self.direct.get(key) or self.same_name.get(key)

    def how(self, key: str) -> str:
        """How ``key`` was mapped, for the notes."""
        if key in self.direct:
            return "catalog sku"
        if key in self.same_name:
            return f"same Microsoft product name as the catalog's SKU ({self.table.name(key)})"
        return "no catalog product"
