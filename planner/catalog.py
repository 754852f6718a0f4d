"""The product catalog: products, needs, profiles, rules and dated price lists.

Everything lives as CSV under ``catalog/`` (shipped inside the package as
``planner._catalog``); ``catalog/schema/*.csv`` describes each file's columns, and the
loader checks every file against its schema and every cross-reference, naming the file
and entry of any error.
"""
from __future__ import annotations

import csv
import difflib
import functools
import io
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import CatalogError

FAMILIES = ("desktop_platform", "cal_suite")
REQUIRED_COLUMNS = {"name", "kind", "basis", "unit_price", "effective_date", "currency",
                    "product", "need", "needs", "value"}


@dataclass(frozen=True)
class Product:
    """One catalog product with its rules resolved (step-ups take their target's rights)."""

    id: str
    name: str
    kind: str
    basis: str
    sku: str
    provides: frozenset[str]
    requires_products: frozenset[str]
    requires_needs: frozenset[str]
    requires_families: frozenset[str]
    eligibility: frozenset[str]
    max_devices: int | None
    family: str
    user_platform: bool
    sa_backing: str
    step_from: tuple[str, ...]
    step_to: str
    agreements: frozenset[str]
    source: str
    notes: str = ""

    @property
    def is_step_up(self) -> bool:
        """True for step-up SKUs."""
        return self.kind == "step_up"

    @property
    def is_onprem(self) -> bool:
        """True for perpetual on-premises licences (priced as licence + SA)."""
        return self.kind == "onprem_license"

    def sold_under(self, agreement: str) -> bool:
        """True when the product can be bought under ``agreement``."""
        return not self.agreements or agreement in self.agreements


@dataclass(frozen=True)
class PriceList:
    """A dated price snapshot; ``prices`` is indexed by product id."""

    id: str
    effective_date: date
    currency: str
    description: str
    prices: pd.DataFrame

    def unit_price(self, product: str) -> float | None:
        """New-purchase price [currency/unit/month], or None if the list lacks it."""
        if product not in self.prices.index:
            return None
        return float(self.prices.at[product, "unit_price"])

    def sa_price(self, product: str) -> float | None:
        """SA-only renewal price [currency/unit/month] of an on-premises licence."""
        if product not in self.prices.index:
            return None
        value = self.prices.at[product, "sa_unit_price"]
        return None if pd.isna(value) else float(value)


@dataclass
class Catalog:
    """The loaded, checked catalog.

    Attributes
    ----------
    products : pandas.DataFrame
        One row per product, indexed by id (the raw columns of products.csv).
    needs : pandas.DataFrame
        Needs indexed by id.
    profiles : dict
        Profile id -> tuple of need ids.
    price_lists : dict
        Price list id -> :class:`PriceList`.
    conditional_rights : list
        ``(product, need, agreements)``: needs a product provides only under some agreements.
    platform_rules : dict
        Settings from rules/platform.csv.
    """

    products: pd.DataFrame
    needs: pd.DataFrame
    profiles: dict[str, tuple[str, ...]]
    price_lists: dict[str, PriceList]
    conditional_rights: list[tuple[str, str, frozenset[str]]]
    platform_rules: dict[str, str]
    items: dict[str, Product] = field(default_factory=dict)

    def product(self, product_id: str) -> Product:
        """The resolved :class:`Product` called ``product_id``."""
        return self.items[product_id]

    @property
    def product_ids(self) -> list[str]:
        """All product ids in catalog order."""
        return list(self.items)

    def provides(self, product_id: str, agreement: str) -> frozenset[str]:
        """Needs ``product_id`` covers under ``agreement`` (with conditional rights)."""
        prod = self.items[product_id]
        target = prod.step_to if prod.is_step_up else product_id
        extra = {need for p, need, agr in self.conditional_rights if p == target and agreement in agr}
        return prod.provides | extra

    def expand_needs(self, tokens) -> tuple[str, ...]:
        """Need ids for a list of need or profile ids, in catalog order, without repeats.

        Raises
        ------
        KeyError
            For a token that is neither a need nor a profile (message has a suggestion).
        """
        wanted: set[str] = set()
        for token in tokens:
            if token in self.needs.index:
                wanted.add(token)
            elif token in self.profiles:
                wanted.update(self.profiles[token])
            else:
                raise KeyError(token)
        return tuple(n for n in self.needs.index if n in wanted)

    def suggest(self, token: str, kind: str = "need") -> str | None:
        """The closest known id to ``token`` ("did you mean"), or None.

        ``kind`` is ``need`` (needs and profiles), ``product`` or ``price_list``.
        """
        pool = {
            "need": list(self.needs.index) + list(self.profiles),
            "product": self.product_ids,
            "price_list": list(self.price_lists),
        }[kind]
        match = difflib.get_close_matches(str(token).strip().lower(), pool, n=1, cutoff=0.5)
        return match[0] if match else None

    def price_list_ids(self) -> list[str]:
        """Price list ids, oldest first."""
        return sorted(self.price_lists, key=lambda k: self.price_lists[k].effective_date)

    def list_in_force(self, on: date) -> PriceList:
        """The price list in force on ``on`` (the oldest one before any is in force)."""
        ids = self.price_list_ids()
        current = ids[0]
        for pid in ids:
            if self.price_lists[pid].effective_date <= on:
                current = pid
        return self.price_lists[current]

    def default_price_list(self, on: date | None = None) -> str:
        """Id of the list in force on ``on`` (today by default): the default for new plans."""
        return self.list_in_force(on or date.today()).id


# ---------------------------------------------------------------------------- loading

def _catalog_root() -> Path:
    return Path(str(resources.files("planner._catalog")))


def _read_csv(root: Path, name: str) -> list[dict[str, str]]:
    path = root / name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError(f"catalog/{name}: file missing") from None
    return [{k.strip(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text))]


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


class _Checker:
    """Checks rows against a schema file and collects every error with file and entry."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list[str] = []

    def schema(self, name: str) -> list[dict[str, str]]:
        return _read_csv(self.root, f"schema/{name}")

    def check(self, file: str, schema: str, rows: list[dict[str, str]], key: str,
              refs: dict[str, set[str]]) -> None:
        spec = self.schema(schema)
        columns = [s["attribute"] for s in spec]
        if rows and set(rows[0]) != set(columns):
            missing = set(columns) - set(rows[0])
            extra = set(rows[0]) - set(columns)
            self.errors.append(f"catalog/{file}: columns differ from schema/{schema} "
                               f"(missing {sorted(missing)}, unexpected {sorted(extra)})")
            return
        seen: set[str] = set()
        for n, row in enumerate(rows, start=2):
            entry = f"catalog/{file} line {n} ({row.get(key, '?')})"
            if key in row:
                if row[key] in seen and schema not in ("prices.csv", "conditional_rights.csv"):
                    self.errors.append(f"{entry}: duplicate {key}")
                seen.add(row[key])
            for s in spec:
                self._check_value(entry, s, row.get(s["attribute"], ""), refs)

    def _check_value(self, entry: str, spec: dict[str, str], value: str,
                     refs: dict[str, set[str]]) -> None:
        name, typ = spec["attribute"], spec["type"]
        if value == "":
            if name == "source":
                self.errors.append(f"{entry}: source is empty (every rule and price needs one)")
            elif typ == "id" or name in REQUIRED_COLUMNS:
                self.errors.append(f"{entry}: {name} is empty")
            return
        try:
            if typ == "float":
                if float(value) < 0:
                    raise ValueError("negative")
            elif typ == "int":
                int(value)
            elif typ == "date":
                date.fromisoformat(value)
            elif typ == "bool":
                if value not in ("Y", "N"):
                    raise ValueError("expected Y or N")
            elif typ.startswith("enum:"):
                if value not in typ[5:].split("|"):
                    raise ValueError(f"expected one of {typ[5:]}")
            elif typ.startswith("enum_list:"):
                bad = [v for v in _split(value) if v not in typ[10:].split("|")]
                if bad:
                    raise ValueError(f"unknown {bad}, expected {typ[10:]}")
            elif typ in ("needs", "products", "families", "product", "need"):
                pool = refs[typ.rstrip("s") + "s" if not typ.endswith("s") else typ]
                bad = [v for v in _split(value) if v not in pool]
                if bad:
                    raise ValueError(f"unknown {typ.rstrip('s')} id(s) {bad}")
        except ValueError as exc:
            self.errors.append(f"{entry}: {name} '{value}' is invalid: {exc}")


def _resolve_products(rows: list[dict[str, str]]) -> dict[str, Product]:
    by_id = {r["id"]: r for r in rows}
    items: dict[str, Product] = {}
    for r in rows:
        rights = by_id.get(r["step_to"], r) if r["kind"] == "step_up" else r
        items[r["id"]] = Product(
            id=r["id"], name=r["name"], kind=r["kind"], basis=r["basis"], sku=r["sku"],
            provides=frozenset(_split(rights["provides"])),
            requires_products=frozenset(_split(r["requires_products"])),
            requires_needs=frozenset(_split(r["requires_needs"])),
            requires_families=frozenset(_split(r["requires_families"])),
            eligibility=frozenset(_split(rights["eligibility"])),
            max_devices=int(rights["max_devices"]) if rights["max_devices"] else None,
            family=r["family"], user_platform=rights["user_platform"] == "Y",
            sa_backing=r["sa_backing"], step_from=_split(r["step_from"]), step_to=r["step_to"],
            agreements=frozenset(_split(r["agreements"])), source=r["source"], notes=r["notes"],
        )
    return items


def load_catalog(root: str | Path | None = None) -> Catalog:
    """Load and check the catalog (the shipped one unless ``root`` is given).

    Raises
    ------
    CatalogError
        Listing every inconsistency, each naming the file and the entry.
    """
    if root is None:
        return _load_shipped()
    return _load(Path(root))


@functools.lru_cache(maxsize=1)
def _load_shipped() -> Catalog:
    return _load(_catalog_root())


def _load(root: Path) -> Catalog:
    chk = _Checker(root)
    needs = _read_csv(root, "needs.csv")
    profiles = _read_csv(root, "profiles.csv")
    products = _read_csv(root, "products.csv")
    lists = _read_csv(root, "price_lists.csv")
    rights = _read_csv(root, "rules/conditional_rights.csv")
    platform = _read_csv(root, "rules/platform.csv")
    refs = {
        "needs": {r["id"] for r in needs},
        "products": {r["id"] for r in products},
        "families": set(FAMILIES),
    }
    chk.check("needs.csv", "needs.csv", needs, "id", refs)
    chk.check("profiles.csv", "profiles.csv", profiles, "profile", refs)
    chk.check("products.csv", "products.csv", products, "id", refs)
    chk.check("price_lists.csv", "price_lists.csv", lists, "id", refs)
    chk.check("rules/conditional_rights.csv", "conditional_rights.csv", rights, "product", refs)
    chk.check("rules/platform.csv", "platform.csv", platform, "rule", refs)
    for r in products:
        if r["kind"] == "step_up" and not (r["step_from"] and r["step_to"]):
            chk.errors.append(f"catalog/products.csv ({r['id']}): a step-up needs step_from and step_to")
        if r["kind"] != "step_up" and not r["provides"]:
            chk.errors.append(f"catalog/products.csv ({r['id']}): provides is empty")
    clash = {r["profile"] for r in profiles} & refs["needs"]
    if clash:
        chk.errors.append(f"catalog/profiles.csv: profile ids clash with need ids {sorted(clash)}")
    price_lists: dict[str, PriceList] = {}
    for pl in lists:
        rows = _read_csv(root, f"prices/{pl['id']}.csv")
        chk.check(f"prices/{pl['id']}.csv", "prices.csv", rows, "product", refs)
        for n, row in enumerate(rows, start=2):
            if row.get("estimate") == "Y" and not row.get("derivation"):
                chk.errors.append(f"catalog/prices/{pl['id']}.csv line {n} ({row.get('product')}): "
                                  "an estimate needs its derivation")
        frame = pd.DataFrame(rows).set_index("product") if rows else pd.DataFrame()
        if len(frame):
            frame["unit_price"] = pd.to_numeric(frame["unit_price"], errors="coerce")
            frame["sa_unit_price"] = pd.to_numeric(frame["sa_unit_price"], errors="coerce")
        try:
            eff = date.fromisoformat(pl["effective_date"])
        except ValueError:
            continue
        price_lists[pl["id"]] = PriceList(pl["id"], eff, pl["currency"], pl["description"], frame)
    if chk.errors:
        raise CatalogError("catalog is inconsistent:\n" + "\n".join(chk.errors))
    products_df = pd.DataFrame(products).set_index("id")
    return Catalog(
        products=products_df,
        needs=pd.DataFrame(needs).set_index("id"),
        profiles={r["profile"]: _split(r["needs"]) for r in profiles},
        price_lists=price_lists,
        conditional_rights=[(r["product"], r["need"], frozenset(_split(r["agreements"])))
                            for r in rights],
        platform_rules={r["rule"]: r["value"] for r in platform},
        items=_resolve_products(products),
    )
