"""The catalog as tables for people: what ``planner catalog`` shows."""
from __future__ import annotations

from datetime import date

import pandas as pd

from planner.catalog.load import Catalog, load_catalog
from planner.errors import InputError, Issue

KINDS = ("suite", "standalone", "addon", "step_up", "cloud_addon_sa", "onprem_license", "sa_renewal")


def _requires(catalog: Catalog, pid: str) -> str:
    prod = catalog.product(pid)
    parts = []
    if prod.requires_products:
        parts.append("one of " + prod.requirement_text())
    parts += [f"{n} from another product" for n in sorted(prod.requires_needs)]
    parts += [f"{f} with SA" for f in sorted(prod.requires_families)]
    if prod.step_from:
        parts.append("held " + " + ".join(prod.step_from))
    parts += [{"qualifying_os": "qualifying OS on the primary device",
               "frontline": "frontline worker"}.get(e, e) for e in sorted(prod.eligibility)]
    if prod.sa_backing:
        parts.append(f"one SA-covered {prod.sa_backing} licence per unit")
    return "; ".join(parts)


def catalog_tables(kind: str | None = None, price_list: str | None = None,
                   catalog: Catalog | None = None) -> dict[str, pd.DataFrame]:
    """Products, needs (capabilities, with the products providing each) and profiles.

    Prices come from ``price_list``; capabilities are listed as under an EA (Extended Use
    Rights included).

    Raises
    ------
    InputError
        For an unknown kind or price list (the message lists the valid ones).
    """
    catalog = catalog or load_catalog()
    if kind is not None and kind not in KINDS:
        raise InputError(Issue(f"unknown kind '{kind}'", hint="kinds: " + ", ".join(KINDS)))
    if price_list is not None and price_list not in catalog.price_lists:
        raise InputError(Issue(f"unknown price list '{price_list}'",
                               hint="price lists: " + ", ".join(catalog.price_list_ids())))
    plist = catalog.price_lists[price_list] if price_list else catalog.list_in_force(date.today())
    rows = []
    for pid in catalog.product_ids:
        prod = catalog.product(pid)
        if kind and prod.kind != kind:
            continue
        estimate = plist.prices.at[pid, "estimate"] == "Y" if pid in plist.prices.index else None
        rows.append(dict(
            id=pid, name=prod.name, kind=prod.kind, basis=prod.basis, sku=prod.sku,
            unit_price=plist.unit_price(pid), sa_unit_price=plist.sa_price(pid),
            price_is_estimate=estimate,
            provides=", ".join(sorted(catalog.provides(pid, "EA"))), requires=_requires(catalog, pid),
            agreements=", ".join(sorted(prod.agreements)) or "all",
        ))
    products = pd.DataFrame(rows)
    products.attrs.update(price_list=plist.id, currency=plist.currency)
    needs = catalog.needs.reset_index()[["id", "name", "tier_of", "service_plans", "description"]].copy()
    needs["provided_by"] = [", ".join(p for p in catalog.product_ids if cap in catalog.provides(p, "EA")
                                      and not catalog.product(p).is_step_up)
                            for cap in needs["id"]]
    profiles = pd.DataFrame([dict(id=k, needs=", ".join(v)) for k, v in catalog.profiles.items()])
    return {"products": products, "needs": needs, "profiles": profiles}


def print_catalog(tables: dict[str, pd.DataFrame]) -> None:
    """Print the catalog tables with rich (stdout)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    products = tables["products"]
    title = f"Products (prices per unit per month, {products.attrs.get('currency', '')}, " \
            f"price list {products.attrs.get('price_list', '')}; * = estimate)"
    table = Table(title=title, show_lines=False)
    for col in ("id", "kind", "basis", "unit_price", "provides", "requires"):
        table.add_column(col, overflow="fold")
    for r in products.itertuples(index=False):
        price = "-" if pd.isna(r.unit_price) else f"{r.unit_price:,.2f}" + ("*" if r.price_is_estimate else "")
        table.add_row(r.id, r.kind, r.basis, price, r.provides, r.requires, style=None)
    console.print(table)
    shown = {"needs": ("Capabilities (needs) and the products that provide them",
                       ["id", "tier_of", "service_plans", "provided_by"]),
             "profiles": ("Profiles", list(tables["profiles"].columns))}
    for name, (title, columns) in shown.items():
        t = Table(title=title)
        for col in columns:
            t.add_column(col, overflow="fold")
        for r in tables[name][columns].itertuples(index=False):
            t.add_row(*[str(v) for v in r])
        console.print(t)
