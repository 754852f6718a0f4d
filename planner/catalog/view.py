"""The catalog as tables for people: what ``planner catalog`` shows."""
from __future__ import annotations

import difflib
import textwrap
from datetime import date
from typing import TYPE_CHECKING

from planner.catalog.load import Catalog, load_catalog
from planner.errors import InputError, Issue

if TYPE_CHECKING:
    import pandas as pd

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
    import pandas as pd

    catalog = catalog or load_catalog()
    if kind is not None and kind not in KINDS:
        close = difflib.get_close_matches(kind.lower(), KINDS, n=1, cutoff=0.5)
        hint = (f"did you mean '{close[0]}'? " if close else "") + "kinds: " + ", ".join(KINDS)
        raise InputError(Issue(f"unknown kind '{kind}'", hint=hint))
    if price_list is not None and price_list not in catalog.price_lists:
        raise InputError(Issue(f"unknown price list '{price_list}'",
                               hint="price lists: " + ", ".join(catalog.price_list_ids())))
    plist = catalog.price_lists[price_list] if price_list else catalog.list_in_force(date.today())
    rows = []
    for pid in catalog.product_ids:
        prod = catalog.product(pid)
        if kind and prod.kind != kind:
            continue
        estimate = plist.is_estimate(pid)
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


PRODUCT_COLUMNS = ("id", "name", "kind", "basis", "unit_price", "provides", "requires")
"""The product columns ``planner catalog`` prints (``--json`` gives every column)."""


def print_catalog(tables: dict[str, pd.DataFrame], console=None) -> None:
    """Print the catalog tables on stdout (or ``console``), never breaking a word.

    Each table is a rich table when every column can be as wide as its longest word
    within the console's width (80 columns when piped), otherwise one block per row
    (``id``, then ``column: value`` lines wrapped between words).
    """
    import pandas as pd
    from rich.console import Console

    console = console or Console()
    products = tables["products"]
    title = f"Products (prices per unit per month, {products.attrs.get('currency', '')}, " \
            f"price list {products.attrs.get('price_list', '')}; * = estimate)"
    rows = [[r.id, r.name, r.kind, r.basis, _price(r), r.provides, r.requires]
            for r in products.itertuples(index=False)]
    _print_table(console, title, list(PRODUCT_COLUMNS), rows)
    shown = {"needs": ("Capabilities (needs) and the products that provide them",
                       ["id", "name", "tier_of", "service_plans", "provided_by"]),
             "profiles": ("Profiles", list(tables["profiles"].columns))}
    for name, (title, columns) in shown.items():
        rows = [["" if pd.isna(v) else str(v) for v in r]
                for r in tables[name][columns].itertuples(index=False)]
        _print_table(console, title, columns, rows)


def _price(r) -> str:
    import pandas as pd

    if pd.isna(r.unit_price):
        return "-"
    return f"{r.unit_price:,.2f}" + ("*" if r.price_is_estimate else "")


def _longest_word(text: str) -> int:
    return max((len(w) for w in str(text).split()), default=0)


def _print_table(console, title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A rich table when its words fit the console's width, else one block per row."""
    from rich.table import Table
    from rich.text import Text

    widths = [max([_longest_word(c)] + [_longest_word(r[i]) for r in rows])
              for i, c in enumerate(columns)]
    if sum(widths) + 3 * len(columns) + 1 <= console.width:
        table = Table(title=title)
        for col, width in zip(columns, widths, strict=True):
            table.add_column(col, min_width=width)
        for r in rows:
            table.add_row(*[Text(str(v)) for v in r])
        console.print(table)
        return
    console.print(Text(title, style="bold"))
    width = max(console.width - 4, 20)
    for r in rows:
        console.print(Text(str(r[0]), style="bold"))
        for col, value in zip(columns[1:], r[1:], strict=True):
            if str(value).strip():
                for line in textwrap.wrap(f"{col}: {value}", width, subsequent_indent="    ",
                                          break_long_words=False, break_on_hyphens=False):
                    console.print(Text("  " + line))
    console.print()
