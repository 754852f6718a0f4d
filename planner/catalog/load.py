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
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import CatalogError
from planner.vocabulary import PLATFORM_FAMILIES as FAMILIES

if TYPE_CHECKING:
    import pandas as pd

COMMITMENT_LISTS = {"qualified_device_needs": "needs", "qualified_user_needs": "needs",
                    "enterprise_online_services": "products"}
"""rules/platform.csv settings that list ids, and the kind of id each lists."""
REQUIRED_COLUMNS = {"name", "kind", "basis", "unit_price", "effective_date", "currency",
                    "product", "capability", "effect", "needs", "products", "value",
                    "service_plan"}


@dataclass(frozen=True)
class Fix:
    """The closest fix for a need a rule blocks (one rules/fixes.csv row).

    ``fix`` is told to the user; ``change`` is the same fix as ``target.field=value`` on the
    workbook (``group`` or ``org``). Both may hold ``{placeholders}`` the caller fills in.
    """

    reason: str
    need: str
    rank: int
    fix: str
    change: str


@dataclass(frozen=True)
class Product:
    """One catalog product with its rules resolved (step-ups take their target's rights).

    ``provides`` is computed: the capabilities of the SKU's service plans, of the products
    it includes, and the agreement-independent grants of rules/rights.csv, closed over the
    tiers ("at least" semantics) and less the denied ones.
    """

    id: str
    name: str
    kind: str
    basis: str
    sku: str
    provides: frozenset[str]
    includes: tuple[str, ...]
    requires_products: tuple[frozenset[str], ...]
    requires_needs: frozenset[str]
    requires_families: frozenset[str]
    eligibility: frozenset[str]
    max_seats: int | None
    family: str
    user_platform: bool
    sa_backing: str
    step_from: tuple[str, ...]
    step_to: str
    variant_of: str
    agreements: frozenset[str]
    source: str
    notes: str = ""
    available: bool = True
    """False when an analysis rules the product out (:func:`planner.explore.catalog_without`):
    it may still be held and kept, never bought."""

    @property
    def is_step_up(self) -> bool:
        """True for step-up SKUs."""
        return self.kind == "step_up"

    @property
    def is_onprem(self) -> bool:
        """True for perpetual on-premises licences (priced as licence + SA)."""
        return self.kind == "onprem_license"

    @functools.cached_property
    def base_products(self) -> frozenset[str]:
        """Every product named in the base-plan prerequisite."""
        return frozenset().union(*self.requires_products) if self.requires_products else frozenset()

    def base_met(self, held) -> bool:
        """True when ``held`` (products of the same user) meets the base-plan prerequisite."""
        return not self.requires_products or any(alt <= held for alt in self.requires_products)

    def requirement_text(self) -> str:
        """The base-plan prerequisite as ``a, b or c + d``."""
        return ", ".join(" + ".join(sorted(alt)) for alt in self.requires_products)

    def sold_under(self, agreement: str) -> bool:
        """True when the product is sold under ``agreement`` (available or not)."""
        return not self.agreements or agreement in self.agreements

    def buyable_under(self, agreement: str) -> bool:
        """True when the product can be bought under ``agreement`` in this analysis."""
        return self.available and self.sold_under(agreement)


@dataclass(frozen=True)
class Capability:
    """A capability (need) with its tier and the conditions on its use."""

    id: str
    tier_of: str
    tier: int
    condition: str
    install_limit: int | None
    install_kinds: tuple[str, ...]


PRICE_NUMBERS = ("unit_price", "sa_unit_price", "band_pct")
"""The numeric columns of a price list (blank or unreadable is NaN, as in :attr:`PriceList.prices`)."""


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


@dataclass(frozen=True)
class PriceList:
    """A dated price snapshot; ``rows`` are its CSV rows, ``prices`` the same indexed by product id.

    Lookups (:meth:`unit_price`, :meth:`sa_price`, :meth:`band`) read plain dictionaries;
    the ``prices`` DataFrame is built on first use (notebooks, the views), so planning
    does not need pandas for the catalog.
    """

    id: str
    effective_date: date
    currency: str
    description: str
    rows: tuple[dict[str, str], ...] = ()

    @functools.cached_property
    def _numbers(self) -> dict[str, dict[str, float]]:
        return {r["product"]: {c: _number(r.get(c, "")) for c in PRICE_NUMBERS} for r in self.rows}

    @functools.cached_property
    def _estimates(self) -> frozenset[str]:
        return frozenset(r["product"] for r in self.rows if r.get("estimate") == "Y")

    @functools.cached_property
    def prices(self):
        """The list as a pandas DataFrame indexed by product (numeric columns as floats)."""
        import pandas as pd

        if not self.rows:
            return pd.DataFrame()
        frame = pd.DataFrame(list(self.rows)).set_index("product")
        for col in PRICE_NUMBERS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
        return frame

    def lists(self, product: str) -> bool:
        """True when the list has a row for ``product`` (its prices may still be blank)."""
        return product in self._numbers

    def unit_price(self, product: str) -> float | None:
        """New-purchase price [currency/unit/month], or None if the list lacks it."""
        numbers = self._numbers.get(product)
        return None if numbers is None else numbers["unit_price"]

    def sa_price(self, product: str) -> float | None:
        """SA-only renewal price [currency/unit/month] of an on-premises licence."""
        numbers = self._numbers.get(product)
        value = None if numbers is None else numbers["sa_unit_price"]
        return None if value is None or value != value else value

    def is_estimate(self, product: str) -> bool | None:
        """True when the list's price of ``product`` is an estimate (None if not listed)."""
        return product in self._estimates if product in self._numbers else None

    def band(self, product: str) -> float | None:
        """The error band [%] of an estimated price (None if published or not listed)."""
        if not self.is_estimate(product):
            return None
        value = self._numbers[product]["band_pct"]
        return None if value != value else value


@dataclass
class Catalog:
    """The loaded, checked catalog.

    Attributes
    ----------
    need_ids : tuple of str
        The need vocabulary (the ids of capabilities.csv, in file order).
    profiles : dict
        Profile id -> tuple of need ids.
    price_lists : dict
        Price list id -> :class:`PriceList`.
    conditional_rights : list
        ``(product, capability, agreements)``: grants of rules/rights.csv bound to agreements.
    capabilities : dict
        Capability id -> :class:`Capability` (tiers, conditions, install limits).
    sales_rules : dict
        Rule id -> (products, effective date) from rules/sales_rules.csv.
    tables : dict
        The raw rows of every catalog file (for the independent audit and the views).
    platform_rules : dict
        Settings from rules/platform.csv.
    platform_cover : dict
        Platform product -> the capability sets (rules/platform_cover.csv) that each stand in
        for it in its family's enterprise-wide commitment (Enterprise Online Services).
    """

    need_ids: tuple[str, ...]
    profiles: dict[str, tuple[str, ...]]
    price_lists: dict[str, PriceList]
    conditional_rights: list[tuple[str, str, frozenset[str]]]
    platform_rules: dict[str, str]
    items: dict[str, Product] = field(default_factory=dict)
    capabilities: dict[str, Capability] = field(default_factory=dict)
    sales_rules: dict[str, tuple[frozenset[str], date]] = field(default_factory=dict)
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    fixes: dict[tuple[str, str], "Fix"] = field(default_factory=dict)
    platform_cover: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    _lineage: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)
    _expanded: dict[tuple, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)

    @functools.cached_property
    def _need_set(self) -> frozenset[str]:
        return frozenset(self.need_ids)

    def is_need(self, token: str) -> bool:
        """True when ``token`` is a need id (a capability; profiles are not needs)."""
        return token in self._need_set

    @functools.cached_property
    def products(self) -> pd.DataFrame:
        """One row per product, indexed by id (the raw columns of products.csv)."""
        import pandas as pd

        return pd.DataFrame(self.tables["products"]).set_index("id")

    @functools.cached_property
    def needs(self) -> pd.DataFrame:
        """The need vocabulary: capabilities.csv as a DataFrame indexed by id."""
        import pandas as pd

        return pd.DataFrame(self.tables["capabilities"]).set_index("id")

    def only(self, product_ids) -> Catalog:
        """This catalog with only the products ``product_ids`` (small catalogs for tests
        and what-ifs; the rules, needs and price lists are kept)."""
        keep = set(product_ids)
        items = {k: v for k, v in self.items.items() if k in keep}
        tables = {**self.tables, "products": [r for r in self.tables["products"] if r["id"] in keep]}
        return replace(self, items=items, tables=tables)

    def product(self, product_id: str) -> Product:
        """The resolved :class:`Product` called ``product_id``."""
        return self.items[product_id]

    @property
    def product_ids(self) -> list[str]:
        """All product ids in catalog order."""
        return list(self.items)

    def provides(self, product_id: str, agreement: str) -> frozenset[str]:
        """Capabilities ``product_id`` gives under ``agreement`` (with agreement-bound grants).

        Agreement-bound grants (Extended Use Rights under EA/EAS) reach a product through
        what it includes and, for a step-up, through its target.
        """
        prod = self.items[product_id]
        extra = {cap for p, cap, agr in self.conditional_rights
                 if agreement in agr and p in self.lineage(product_id)}
        return prod.provides | extra

    def lineage(self, product_id: str) -> frozenset[str]:
        """The product, its step-up target and everything they include, transitively."""
        if product_id in self._lineage:
            return self._lineage[product_id]
        prod = self.items[product_id]
        out = {product_id}
        todo = list(prod.includes) + ([prod.step_to] if prod.is_step_up else [])
        while todo:
            p = todo.pop()
            if p not in out:
                out.add(p)
                todo += list(self.items[p].includes)
        self._lineage[product_id] = frozenset(out)
        return self._lineage[product_id]

    def platform_list(self, rule: str) -> frozenset[str]:
        """The ids a rules/platform.csv setting lists (``a;b;c``)."""
        return frozenset(_split(self.platform_rules.get(rule, "")))

    def enterprise_online_service(self, product_id: str) -> bool:
        """True when holding ``product_id`` (a step-up: its target) makes a user a Qualified
        User of the per-user platform families (rules/platform.csv)."""
        return self.rule_product(product_id).id in self.platform_list("enterprise_online_services")

    def rule_product(self, product_id: str) -> Product:
        """The product whose eligibility and seat cap apply (a step-up's target)."""
        prod = self.items[product_id]
        return self.items[prod.step_to] if prod.is_step_up else prod

    def blocked_capability(self, capability: str, group) -> str | None:
        """Why ``group``'s users cannot use ``capability`` whatever they hold (None if they can).

        Conditions come from capabilities.csv: a qualifying OS on the primary device, and
        install limits per device kind (only capabilities with install rights have them).
        """
        cap = self.capabilities.get(capability)
        if cap is None:
            return None
        if cap.condition == "qualifying_os" and not group.qualifying_os:
            return ("needs a qualifying OS (Windows Pro/Enterprise) on the primary device "
                    f"(group has primary_device={group.primary_device})")
        if cap.install_limit is not None:
            for kind in cap.install_kinds:
                have = group.devices_of_kind(kind)
                if have > cap.install_limit:
                    return (f"installs on at most {cap.install_limit} {kind}s per user "
                            f"(group has {have} {kind}s per user)")
        return None

    def fix_for(self, reason: str, need: str) -> "Fix | None":
        """The closest fix for ``need`` blocked by rule ``reason`` (rules/fixes.csv), if any."""
        return self.fixes.get((reason, need)) or self.fixes.get((reason, ""))

    def sales_rule(self, rule: str, on: date) -> frozenset[str]:
        """Products restricted by sales rule ``rule`` on date ``on`` (empty before it applies)."""
        products, since = self.sales_rules.get(rule, (frozenset(), date.max))
        return products if on >= since else frozenset()

    def expand_needs(self, tokens) -> tuple[str, ...]:
        """Need ids for a list of need or profile ids, in catalog order, without repeats.

        Raises
        ------
        KeyError
            For a token that is neither a need nor a profile (message has a suggestion).
        """
        key = tuple(tokens)
        if key in self._expanded:  # the audit asks again for every group of every plan
            return self._expanded[key]
        wanted: set[str] = set()
        for token in key:
            if self.is_need(token):
                wanted.add(token)
            elif token in self.profiles:
                wanted.update(self.profiles[token])
            else:
                raise KeyError(token)
        self._expanded[key] = tuple(n for n in self.need_ids if n in wanted)
        return self._expanded[key]

    def suggest(self, token: str, kind: str = "need") -> str | None:
        """The closest known id to ``token`` ("did you mean"), or None.

        ``kind`` is ``need`` (needs and profiles), ``product`` or ``price_list``.
        """
        pool = {
            "need": list(self.need_ids) + list(self.profiles),
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
                if row[key] in seen and schema not in ("rights.csv", "service_plans.csv",
                                                       "fixes.csv", "platform_cover.csv"):
                    self.errors.append(f"{entry}: duplicate {key}")
                seen.add(row[key])
            for s in spec:
                self._check_value(entry, s, row.get(s["attribute"], ""), refs)

    def check_commitment_lists(self, rules: dict[str, str], refs: dict[str, set[str]]) -> None:
        """The id lists of rules/platform.csv that define who is qualified name real ids."""
        for rule, pool in COMMITMENT_LISTS.items():
            bad = [v for v in _split(rules.get(rule, "")) if v not in refs[pool]]
            if bad:
                self.errors.append(f"catalog/rules/platform.csv ({rule}): unknown "
                                   f"{pool.rstrip('s')} id(s) {bad}")

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
                bad = [v for alt in _split(value) for v in alt.split("+") if v.strip() not in pool]
                if bad:
                    raise ValueError(f"unknown {typ.rstrip('s')} id(s) {bad}")
        except ValueError as exc:
            self.errors.append(f"{entry}: {name} '{value}' is invalid: {exc}")


def _cover_ways(rows: list[dict[str, str]]) -> dict[str, tuple[frozenset[str], ...]]:
    """rules/platform_cover.csv as product -> the capability sets that each stand in for it."""
    ways: dict[str, list[frozenset[str]]] = {}
    for r in rows:
        ways.setdefault(r["product"], []).append(frozenset(_split(r["capabilities"])))
    return {pid: tuple(w) for pid, w in ways.items()}


def _requirements(value: str) -> tuple[frozenset[str], ...]:
    """``a;b+c`` -> ({a}, {b, c}): any one alternative, each a set held together."""
    return tuple(frozenset(p.strip() for p in alt.split("+") if p.strip()) for alt in _split(value))


def _capabilities(rows: list[dict[str, str]]) -> dict[str, Capability]:
    return {r["id"]: Capability(
        id=r["id"], tier_of=r["tier_of"], tier=int(r["tier"] or 0), condition=r["condition"],
        install_limit=int(r["install_limit"]) if r["install_limit"] else None,
        install_kinds=_split(r["install_kinds"])) for r in rows}


def with_lower_tiers(caps: set[str], capabilities: dict[str, Capability]) -> set[str]:
    """``caps`` plus every lower tier of each tiered capability in it ("at least")."""
    out = set(caps)
    for c in caps:
        cap = capabilities.get(c)
        if cap and cap.tier_of:
            out |= {o.id for o in capabilities.values()
                    if o.tier_of == cap.tier_of and o.tier <= cap.tier}
    return out


def _resolve_products(rows: list[dict[str, str]], capabilities: dict[str, Capability],
                      plan_caps: dict[str, set[str]], plans_of_sku: dict[str, set[str]],
                      rights: list[dict[str, str]]) -> dict[str, Product]:
    """Products with ``provides`` computed from service plans, includes and rights."""
    by_id = {r["id"]: r for r in rows}
    grants: dict[str, set[str]] = {}
    denies: dict[str, set[str]] = {}
    for r in rights:
        if r["effect"] == "deny":
            denies.setdefault(r["product"], set()).add(r["capability"])
        elif not r["agreements"]:
            grants.setdefault(r["product"], set()).add(r["capability"])
    memo: dict[str, frozenset[str]] = {}

    def provides(pid: str, trail: tuple[str, ...] = ()) -> frozenset[str]:
        if pid in memo:
            return memo[pid]
        if pid in trail:
            raise CatalogError(f"catalog/products.csv ({pid}): includes itself via {' -> '.join(trail)}")
        r = by_id[pid]
        caps: set[str] = set(grants.get(pid, ()))
        for sku in _split(r["sku"]):
            for plan in plans_of_sku.get(sku, ()):
                caps |= plan_caps.get(plan, set())
        for inc in _split(r["includes"]):
            caps |= provides(inc, trail + (pid,))
        caps = with_lower_tiers(caps, capabilities) - denies.get(pid, set())
        memo[pid] = frozenset(caps)
        return memo[pid]

    items: dict[str, Product] = {}
    for r in rows:
        rule = by_id.get(r["step_to"], r) if r["kind"] == "step_up" else r
        items[r["id"]] = Product(
            id=r["id"], name=r["name"], kind=r["kind"], basis=r["basis"], sku=r["sku"],
            provides=provides(rule["id"]), includes=_split(r["includes"]),
            requires_products=_requirements(r["requires_products"]),
            requires_needs=frozenset(_split(r["requires_needs"])),
            requires_families=frozenset(_split(r["requires_families"])),
            eligibility=frozenset(_split(rule["eligibility"])),
            max_seats=int(rule["max_seats"]) if rule["max_seats"] else None,
            family=r["family"], user_platform=rule["user_platform"] == "Y",
            sa_backing=r["sa_backing"], step_from=_split(r["step_from"]), step_to=r["step_to"],
            variant_of=r["variant_of"], agreements=frozenset(_split(r["agreements"])),
            source=r["source"], notes=r["notes"],
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
    capabilities = _read_csv(root, "capabilities.csv")
    plans = _read_csv(root, "service_plans.csv")
    profiles = _read_csv(root, "profiles.csv")
    products = _read_csv(root, "products.csv")
    lists = _read_csv(root, "price_lists.csv")
    rights = _read_csv(root, "rules/rights.csv")
    sales = _read_csv(root, "rules/sales_rules.csv")
    platform = _read_csv(root, "rules/platform.csv")
    cover = _read_csv(root, "rules/platform_cover.csv")
    fixes = _read_csv(root, "rules/fixes.csv")
    refs = {
        "needs": {r["id"] for r in capabilities},
        "products": {r["id"] for r in products},
        "families": set(FAMILIES),
    }
    chk.check("capabilities.csv", "capabilities.csv", capabilities, "id", refs)
    chk.check("service_plans.csv", "service_plans.csv", plans, "sku", refs)
    chk.check("profiles.csv", "profiles.csv", profiles, "profile", refs)
    chk.check("products.csv", "products.csv", products, "id", refs)
    chk.check("price_lists.csv", "price_lists.csv", lists, "id", refs)
    chk.check("rules/rights.csv", "rights.csv", rights, "product", refs)
    chk.check("rules/sales_rules.csv", "sales_rules.csv", sales, "rule", refs)
    chk.check("rules/platform.csv", "platform.csv", platform, "rule", refs)
    chk.check("rules/platform_cover.csv", "platform_cover.csv", cover, "product", refs)
    for r in cover:
        if r["product"] in refs["products"] and not next(
                p["family"] for p in products if p["id"] == r["product"]):
            chk.errors.append(f"catalog/rules/platform_cover.csv ({r['product']}): not a platform "
                              "product (it has no family)")
    chk.check_commitment_lists({r["rule"]: r["value"] for r in platform}, refs)
    chk.check("rules/fixes.csv", "fixes.csv", fixes, "reason", refs)
    if len({(r["reason"], r["need"]) for r in fixes}) < len(fixes):
        chk.errors.append("catalog/rules/fixes.csv: a reason and need given twice")
    plan_caps: dict[str, set[str]] = {}
    for r in capabilities:
        for plan in _split(r["service_plans"]):
            plan_caps.setdefault(plan, set()).add(r["id"])
        if r["tier_of"] and not r["tier"]:
            chk.errors.append(f"catalog/capabilities.csv ({r['id']}): a tiered capability needs its tier")
    granted = {r["capability"] for r in rights if r["effect"] == "grant"}
    for r in capabilities:
        if not r["service_plans"] and r["id"] not in granted:
            chk.errors.append(f"catalog/capabilities.csv ({r['id']}): no service plan and no "
                              "rules/rights.csv grant provides it")
    plans_of_sku: dict[str, set[str]] = {}
    for r in plans:
        plans_of_sku.setdefault(r["sku"], set()).add(r["service_plan"])
    for r in products:
        if r["kind"] == "step_up" and not (r["step_from"] and r["step_to"]):
            chk.errors.append(f"catalog/products.csv ({r['id']}): a step-up needs step_from and step_to")
    clash = {r["profile"] for r in profiles} & refs["needs"]
    if clash:
        chk.errors.append(f"catalog/profiles.csv: profile ids clash with capability ids {sorted(clash)}")
    price_lists: dict[str, PriceList] = {}
    for pl in lists:
        rows = _read_csv(root, f"prices/{pl['id']}.csv")
        chk.check(f"prices/{pl['id']}.csv", "prices.csv", rows, "product", refs)
        for n, row in enumerate(rows, start=2):
            if row.get("estimate") == "Y" and not (row.get("derivation") and row.get("band_pct")):
                chk.errors.append(f"catalog/prices/{pl['id']}.csv line {n} ({row.get('product')}): "
                                  "an estimate needs its derivation and its band_pct")
        try:
            eff = date.fromisoformat(pl["effective_date"])
        except ValueError:
            continue
        price_lists[pl["id"]] = PriceList(pl["id"], eff, pl["currency"], pl["description"], tuple(rows))
    caps = _capabilities(capabilities) if not chk.errors else {}
    items = _resolve_products(products, caps, plan_caps, plans_of_sku, rights) if not chk.errors else {}
    for pid, prod in items.items():
        if not prod.provides and not prod.is_step_up:
            chk.errors.append(f"catalog/products.csv ({pid}): provides no capability "
                              "(no service plan of its SKU defines one, and no rights row grants one)")
    if chk.errors:
        raise CatalogError("catalog is inconsistent:\n" + "\n".join(chk.errors))
    return Catalog(
        need_ids=tuple(r["id"] for r in capabilities),
        profiles={r["profile"]: _split(r["needs"]) for r in profiles},
        price_lists=price_lists,
        conditional_rights=[(r["product"], r["capability"], frozenset(_split(r["agreements"])))
                            for r in rights if r["effect"] == "grant" and r["agreements"]],
        platform_rules={r["rule"]: r["value"] for r in platform},
        items=items,
        capabilities=caps,
        sales_rules={r["rule"]: (frozenset(_split(r["products"])), date.fromisoformat(r["effective_date"]))
                     for r in sales},
        tables={"capabilities": capabilities, "service_plans": plans, "products": products,
                "rights": rights, "platform": platform, "platform_cover": cover},
        platform_cover=_cover_ways(cover),
        fixes={(r["reason"], r["need"]): Fix(r["reason"], r["need"], int(r["rank"]), r["fix"],
                                             r["change"]) for r in fixes},
    )
