"""Independent compliance audit of any plan, including one edited by hand.

Re-derives every rule from the catalog and the organization alone; it imports nothing
from the option enumeration, the model or the solver, so a bug there cannot hide here.

The audit is a registry of named checks (:data:`CHECKS`): each is a function of the plan
under audit (:class:`PlanUnderAudit`) that yields ``(scope, detail)`` for every breach of
its rule, registered with :func:`check`. A plan is compliant when no check yields anything.
tests/audit keeps, for every registered check, a hand-made plan that only that check rejects.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from typing import TYPE_CHECKING

from planner.catalog.load import Catalog
from planner.dates import add_years
from planner.input.organization import QUALIFYING_OS, Group, OrgInputs
from planner.results import COMPLIANCE_COLUMNS, products_text, read_products
from planner.table import Table

if TYPE_CHECKING:
    import pandas as pd

TOLERANCE = 0.01  # [currency]


@dataclass(frozen=True)
class Violation:
    """One broken rule: which check, where, and what."""

    check: str
    scope: str
    detail: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"{self.check} [{self.scope}]: {self.detail}"


@dataclass(frozen=True)
class Check:
    """A named audit rule: what it requires, and the function that finds its breaches."""

    name: str
    requires: str
    find: Callable[["PlanUnderAudit"], Iterable[tuple[str, str]]]


CHECKS: dict[str, Check] = {}
"""Check name -> :class:`Check`, in the order the Compliance sheet lists them."""


def check(name: str, requires: str) -> Callable:
    """Register the decorated function as the audit check ``name`` (see :data:`CHECKS`)."""
    def register(find: Callable[["PlanUnderAudit"], Iterable[tuple[str, str]]]) -> Callable:
        if name in CHECKS:
            raise ValueError(f"audit check '{name}' registered twice")
        CHECKS[name] = Check(name, requires, find)
        return find
    return register


class PlanUnderAudit:
    """A plan with its organization and catalog, and the rules re-derived from them."""

    def __init__(self, inputs: OrgInputs, catalog: Catalog, purchases: Table | pd.DataFrame,
                 assignments: Table | pd.DataFrame, at: str, annual_cost: float | None):
        """The plan's tables, read once; ``at`` is the planning point it was made for.

        A DataFrame's index labels its rows in findings (a plan workbook's row numbers);
        a Table's rows are numbered from 0.
        """
        self.inputs = inputs
        self.cat = catalog
        self.purchase_labels = (list(range(len(purchases))) if isinstance(purchases, Table)
                                else list(purchases.index))
        self.purchases = Table.of(purchases)
        self.assignments = [(str(r.group), int(r.users), list(read_products(r.products)))
                            for r in Table.of(assignments)]
        self.at = at
        self.annual_cost = annual_cost
        self.agreement = inputs.org.agreement
        self.on: date = (inputs.org.renewal_date if at == "renewal" and inputs.org.renewal_date
                         else inputs.org.as_of)
        self.groups = {g.name: g for g in inputs.groups}
        self._rights: dict[str, set[str]] = {}

    # -- rules re-derived from the catalog --------------------------------------------
    def rights(self, pid: str) -> set[str]:
        """Capabilities of ``pid`` re-derived from the raw catalog tables (not Product.provides)."""
        if pid not in self._rights:
            self._rights[pid] = self._derive(pid, ())
        return self._rights[pid]

    def _derive(self, pid: str, trail: tuple[str, ...]) -> set[str]:
        t = self.cat.tables
        row = next(r for r in t["products"] if r["id"] == pid)
        if row["kind"] == "step_up":
            return self._derive(row["step_to"], trail + (pid,))
        plans = {r["service_plan"] for r in t["service_plans"]
                 if r["sku"] in [s.strip() for s in row["sku"].split(";")]}
        caps = {c["id"] for c in t["capabilities"]
                if plans & {p.strip() for p in c["service_plans"].split(";") if p.strip()}}
        for inc in [s.strip() for s in row["includes"].split(";") if s.strip()]:
            if inc not in trail:
                caps |= self._derive(inc, trail + (pid,))
        for r in t["rights"]:
            applies = not r["agreements"] or self.agreement in r["agreements"].split(";")
            if r["product"] == pid and r["effect"] == "grant" and applies:
                caps.add(r["capability"])
        tiers = {c["id"]: (c["tier_of"], int(c["tier"] or 0)) for c in t["capabilities"]}
        for c in list(caps):
            fam, rank = tiers.get(c, ("", 0))
            if fam:
                caps |= {o for o, (f, k) in tiers.items() if f == fam and k <= rank}
        return caps - {r["capability"] for r in t["rights"] if r["product"] == pid and r["effect"] == "deny"}

    def unusable(self, need: str, group: Group) -> str | None:
        """Why the group's devices rule out ``need`` (capabilities.csv conditions)."""
        row = next((c for c in self.cat.tables["capabilities"] if c["id"] == need), None)
        if row is None:
            return None
        if row["condition"] == "qualifying_os" and group.primary_device not in QUALIFYING_OS:
            return f"{need} needs a qualifying OS on the primary device"
        if row["install_limit"]:
            for kind in [k for k in row["install_kinds"].split(";") if k]:
                if group.devices_of_kind(kind) > int(row["install_limit"]):
                    return f"{need} installs on at most {row['install_limit']} {kind}s per user"
        return None

    def units_per_user(self, pid: str, group: Group) -> float:
        """Licences of ``pid`` one user of ``group`` takes (devices per user for device ones)."""
        if self.cat.items[pid].basis != "device":
            return 1.0
        return group.device_count / group.users if group.users else group.devices_per_user

    def running(self, h) -> bool:
        """True when holding ``h`` is paid beyond the planning date (perpetual without SA too)."""
        prod = self.cat.items[h.product]
        if prod.kind == "onprem_license" and not h.sa:
            return True
        return h.ends is None or h.ends > self.on

    def quantities(self, actions) -> dict[str, int]:
        """Product -> units on the purchase lines with one of ``actions``."""
        out: dict[str, int] = {}
        for r in self.purchases:
            if r.action in actions:
                out[r.product] = out.get(r.product, 0) + int(r.quantity)
        return dict(sorted(out.items()))

    # -- prices, re-derived from the price lists and rules ---------------------------
    def _list_on(self, day: date):
        lists = sorted(self.cat.price_lists.values(), key=lambda pl: pl.effective_date)
        current = lists[0]
        for pl in lists:
            if pl.effective_date <= day:
                current = pl
        return current

    def _start(self, h) -> date:
        if h.ends is None:
            return self.on
        years = int(self.cat.platform_rules.get(f"term_years_{self.agreement}", 3))
        return add_years(h.ends, -years)

    def _list_price(self, pl, pid: str, sa_only: bool = False) -> float | None:
        override = {o.product: o.unit_price for o in self.inputs.prices}
        if pid in override and not sa_only:
            return override[pid]
        if not pl.lists(pid):
            plan_list = self._plan_list()
            return None if pl is plan_list else self._list_price(plan_list, pid, sa_only)
        raw = pl.sa_price(pid) if sa_only else pl.unit_price(pid)
        if raw is None or raw != raw:
            return None
        return float(raw) * (1 - self.inputs.org.discount_pct / 100) * self._rate(pl)

    def _rate(self, pl) -> float:
        """Workbook currency units per price-list currency unit (Organization exchange_rate)."""
        if pl.currency == self.inputs.org.currency:
            return 1.0
        return float(getattr(self.inputs.org, "exchange_rate", None) or 1.0)

    def _plan_list(self):
        chosen = self.inputs.org.price_list
        return self.cat.price_lists[chosen] if chosen else self._list_on(self.on)

    def _uplift(self, pid: str) -> float:
        r = self.cat.platform_rules
        if (self.inputs.org.billing == "monthly" and self.cat.items[pid].kind != "onprem_license"
                and self.agreement in r.get("monthly_billing_agreements", "").split(";")
                and self.on >= date.fromisoformat(r.get("monthly_billing_from", "9999-12-31"))
                and pid not in {o.product for o in self.inputs.prices}):
            return 1 + float(r.get("monthly_billing_uplift_pct", 0)) / 100
        return 1.0

    def _paid(self, h) -> float:
        prod = self.cat.items[h.product]
        if prod.kind == "onprem_license" and not h.sa:
            return 0.0
        pl = (self.cat.price_lists[h.price_list] if h.price_list in self.cat.price_lists
              else self._list_on(self._start(h)))
        sa_only = prod.kind == "onprem_license" and h.paid_up
        return (self._list_price(pl, h.product, sa_only) or 0.0) * self._uplift(h.product)

    def expected_buy(self, pid: str) -> float | None:
        """The unit price a new unit of ``pid`` must carry (None when it cannot be derived)."""
        prod = self.cat.items[pid]
        if prod.kind == "step_up" and pid not in {o.product for o in self.inputs.prices}:
            target = self.expected_buy(prod.step_to)
            paid = [min((self._paid(h) for h in self.inputs.holdings
                         if h.product == s and self.running(h)), default=None) for s in prod.step_from]
            if target is None or any(x is None for x in paid):
                return None
            return max(0.0, target - sum(x for x in paid if x is not None))
        locked = self.agreement in self.cat.platform_rules.get("price_lock_agreements", "").split(";")
        lines = [h for h in self.inputs.holdings if h.product == pid and self.running(h)
                 and not (prod.kind == "onprem_license" and not h.sa)]
        if locked and self.at == "now" and lines:
            first = min(lines, key=lambda h: (self._start(h), h.row or 0))
            return self._paid(first)
        price = self._list_price(self._plan_list(), pid)
        return None if price is None else price * self._uplift(pid)

    def allowed_holding_prices(self, pid: str) -> set[float]:
        """Prices a kept or committed unit of ``pid`` may carry: the price being paid for
        each running line, the renewal price of each expiring one."""
        out = set()
        for h in self.inputs.holdings:
            if h.product != pid:
                continue
            if self.running(h):
                out.add(round(self._paid(h), 4))
            else:
                sa_only = self.cat.items[pid].kind == "onprem_license" and h.sa
                base = self._list_price(self._plan_list(), pid, sa_only)
                if base is not None:
                    out.add(round(base * self._uplift(pid), 4))
        return out

    def used_units_by_group(self) -> dict[str, dict[str, float]]:
        """Product -> group -> units its users use (device products count devices)."""
        used: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for g, users, prods in self.assignments:
            group = self.groups.get(g)
            if group is None:
                continue
            for p in prods:
                if p in self.cat.items:
                    used[p][g] += users * self.units_per_user(p, group)
        return used

    def used_units(self) -> dict[str, float]:
        """Product -> units all groups use (one for a product bought once per organization)."""
        return self.organization_units(
            {p: sum(by_group.values()) for p, by_group in self.used_units_by_group().items()})

    def organization_units(self, used: dict[str, float]) -> dict[str, float]:
        """A product bought once per organization (basis ``organization``, e.g. a tenant
        capacity pack) needs one unit as soon as any user holds it, whatever the count."""
        for p in used:
            if self.cat.items[p].basis == "organization" and used[p] > 0:
                used[p] = 1.0
        return used

    def assigned_users(self) -> Iterator[tuple[Group, int, list[str]]]:
        """(group, users, products) of each assignment to a known group, all products known."""
        for g, users, prods in self.assignments:
            group = self.groups.get(g)
            if group is not None and users and all(p in self.cat.items for p in prods):
                yield group, users, prods


# ------------------------------------------------------------------ the checks

@check("headcount", "every user of every group is licensed exactly once")
def _headcount(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    got: dict[str, int] = defaultdict(int)
    for g, users, _ in plan.assignments:
        if g not in plan.groups:
            yield g, "assignment for a group the organization does not have"
        got[g] += users
    for group in plan.inputs.groups:
        if got[group.name] != group.users:
            yield group.name, f"{got[group.name]} users licensed, headcount is {group.users}"


@check("known_products", "every product in the plan exists in the catalog")
def _known_products(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    used = {p for _, _, ps in plan.assignments for p in ps} | set(plan.purchases.column("product"))
    for p in sorted(used - set(plan.cat.items)):
        yield p, "not a catalog product"


def _scope(group: Group, prods: list[str]) -> str:
    return f"{group.name}: {products_text(prods)}"


@check("needs", "each user's products provide every need of the group")
def _needs(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    for group, _, prods in plan.assigned_users():
        have = set().union(*(plan.rights(p) for p in prods)) if prods else set()
        missing = [n for n in plan.cat.expand_needs(group.needs) if n not in have]
        if missing:
            yield _scope(group, prods), "not covered: " + ", ".join(missing)


@check("eligibility", "frontline plans only for frontline workers; Windows Enterprise per user "
                      "only with a qualifying OS; install rights within 5 devices of each kind")
def _eligibility(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    for group, _, prods in plan.assigned_users():
        scope = _scope(group, prods)
        for n in plan.cat.expand_needs(group.needs):
            why = plan.unusable(n, group)
            if why:
                yield scope, why
        for p in prods:
            prod = plan.cat.items[p]
            rule = plan.cat.items[prod.step_to] if prod.kind == "step_up" else prod
            if "frontline" in rule.eligibility and group.worker != "frontline":
                yield scope, f"{p} is for frontline workers only"
            if "qualifying_os" in rule.eligibility and group.primary_device not in QUALIFYING_OS:
                yield scope, f"{p} needs a qualifying OS on the primary device"


@check("prerequisites", "add-on base plans, required needs, SA platform families and step-up "
                        "sources are held by the same user")
def _prerequisites(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    for group, _, prods in plan.assigned_users():
        scope = _scope(group, prods)
        for p in prods:
            prod = plan.cat.items[p]
            if prod.requires_products and not any(alt <= set(prods)
                                                   for alt in prod.requires_products):
                yield scope, f"{p} needs one of {prod.requirement_text()}"
            others = (set().union(*(plan.rights(q) for q in prods if q != p))
                      if len(prods) > 1 else set())
            for need in prod.requires_needs - others:
                yield scope, f"{p} needs {need} from another product"
            for fam in prod.requires_families:
                if not any(plan.cat.items[q].family == fam for q in prods):
                    yield scope, f"{p} needs the {fam} with SA"
            for src in prod.step_from:
                if src not in prods:
                    yield scope, f"{p} needs {src} held by the same user"


@check("step_up_sources", "step-ups only move up running licences the organization holds")
def _step_up_sources(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    consumed: dict[str, int] = defaultdict(int)
    for _, users, prods in plan.assignments:
        for p in prods:
            if p in plan.cat.items:
                for src in plan.cat.items[p].step_from:
                    consumed[src] += users
    for src, users in consumed.items():
        running = sum(h.quantity for h in plan.inputs.holdings
                      if h.product == src and plan.running(h))
        if users > running:
            yield src, f"{users} step-ups from {src} but {running} running licences held"


@check("holdings", "holdings are kept at most as held, and every held line is kept or dropped")
def _holdings(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    kept = plan.quantities(["keep"])
    held: dict[str, int] = defaultdict(int)
    for h in plan.inputs.holdings:
        held[h.product] += h.quantity
    listed = plan.quantities(["keep", "drop", "committed"])
    for p, q in kept.items():
        if q > held.get(p, 0):
            yield p, f"keeps {q} but the organization holds {held.get(p, 0)}"
    for p, q in held.items():
        if listed.get(p, 0) != q:
            yield p, f"holds {q} but the plan keeps or drops {listed.get(p, 0)}"


def _units(units: float) -> int:
    return math.ceil(units - 1e-6)


@check("supply", "units used never exceed units kept and bought")
def _supply(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    kept, bought = plan.quantities(["keep"]), plan.quantities(["buy", "true-up", "step-up"])
    for p, units in plan.used_units().items():
        have = kept.get(p, 0) + bought.get(p, 0)
        if have < _units(units):
            yield p, f"{_units(units)} units used, {have} kept or bought"


@check("holding_groups", "licences held for a group serve only that group")
def _holding_groups(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    # Read the plan as favourably as it allows: of the units kept, those held for a group
    # count up to that group's use and the pooled ones count for anyone. Units beyond
    # that must be bought.
    kept, bought = plan.quantities(["keep"]), plan.quantities(["buy", "true-up", "step-up"])
    used = plan.used_units_by_group()
    for p, by_group in sorted(used.items()):
        reserved: dict[str, int] = defaultdict(int)
        pooled = 0
        for h in plan.inputs.holdings:
            if h.product == p:
                if h.group:
                    reserved[h.group] += h.quantity
                else:
                    pooled += h.quantity
        if not reserved:
            continue
        units = {g: _units(u) for g, u in by_group.items()}
        if plan.cat.items[p].basis == "organization":  # one unit serves every group using it
            units = {g: min(1, u) for g, u in units.items()}
        usable = pooled + sum(min(q, units.get(g, 0)) for g, q in reserved.items())
        need = min(1, sum(units.values())) if plan.cat.items[p].basis == "organization" \
            else sum(units.values())
        have = min(kept.get(p, 0), usable) + bought.get(p, 0)
        if have < need:
            held_for = ", ".join(f"{q} for {g}" for g, q in sorted(reserved.items()))
            yield p, (f"{need} units used, but of the {kept.get(p, 0)} kept ({held_for}) only "
                      f"{min(kept.get(p, 0), usable)} can serve the groups using them, and "
                      f"{bought.get(p, 0)} are bought")


@check("sa_backing", "Cloud Add-ons to SA number at most the SA-covered on-premises licences")
def _sa_backing(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    addons: dict[str, int] = defaultdict(int)
    for _, users, prods in plan.assignments:
        for p in prods:
            if p in plan.cat.items and plan.cat.items[p].sa_backing:
                addons[plan.cat.items[p].sa_backing] += users
    kept_sa: dict[str, int] = defaultdict(int)
    remaining = plan.quantities(["keep"])
    for h in plan.inputs.holdings:
        fam = plan.cat.items[h.product].family
        if fam and h.sa and remaining.get(h.product, 0) > 0:
            take = min(h.quantity, remaining[h.product])
            kept_sa[fam] += take
            remaining[h.product] -= take
    for p, q in plan.quantities(["buy", "true-up"]).items():
        fam = plan.cat.items[p].family if p in plan.cat.items else ""
        if fam:
            kept_sa[fam] += q
    for fam, users in addons.items():
        if users > kept_sa[fam]:
            yield fam, f"{users} Cloud Add-ons but {kept_sa[fam]} SA-covered {fam} licences"


@check("platform", "an Enterprise Agreement platform covers every qualified user or none")
def _platform(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    cat = plan.cat
    rules = {r["rule"]: r["value"] for r in cat.tables["platform"]}
    if plan.agreement not in rules["platform_agreements"].split(";"):
        return
    products = {r["id"]: r for r in cat.tables["products"]}

    def listed(rule: str) -> set[str]:
        return {v.strip() for v in rules.get(rule, "").split(";") if v.strip()}

    def target(pid: str) -> dict[str, str]:  # a step-up counts as the licence it steps up to
        row = products[pid]
        return products[row["step_to"]] if row["kind"] == "step_up" else row

    held = [products[h.product] for h in plan.inputs.holdings]
    ways: dict[str, list[set[str]]] = defaultdict(list)  # family -> stand-ins of its held products
    for r in cat.tables["platform_cover"]:
        if any(row["id"] == r["product"] for row in held):
            ways[products[r["product"]]["family"]].append(
                {c.strip() for c in r["capabilities"].split(";") if c.strip()})
    held_fams = {r["family"] for r in held} - {""}
    per_user_fams = {r["family"] for r in held if r["basis"] == "user"} - {""}
    in_plan = {products[p]["family"] for p in plan.quantities(["keep", "buy", "true-up"])
               if p in products} - {""}
    eos = listed("enterprise_online_services")
    # Before the renewal, users on the running SA desktop platform move with Cloud Add-ons:
    # Full USLs of online services do not stand in for the platform for them.
    platform_sa = any(products[h.product]["family"] == rules["platform_user_family"] and h.sa
                      and plan.running(h) for h in plan.inputs.holdings)
    addons_only = rules.get("full_usl_for_platform_users_midterm", "Y") == "N" and platform_sa
    for g, users, prods in plan.assignments:
        group = plan.groups.get(g)
        known = [p for p in prods if p in products]
        if group is None or not users:
            continue
        needs = set(plan.cat.expand_needs(group.needs))
        if group.primary_device in QUALIFYING_OS or needs & listed("qualified_device_needs"):
            owed, why = held_fams, "on a Qualified Device"
        elif needs & listed("qualified_user_needs"):
            owed, why = per_user_fams, "Qualified Users (they access on-premises servers)"
        elif any(target(p)["id"] in eos for p in known):
            owed, why = per_user_fams, "Qualified Users (they hold an Enterprise Online Service)"
        else:
            continue
        # Mid-term platform users stand in only with a per-user platform licence (a step-up).
        online = not (addons_only and group.primary_device == rules["platform_user_device"])
        standing = [p for p in known if online or target(p)["user_platform"] == "Y"]
        have = set().union(*(plan.rights(p) for p in standing)) if standing else set()
        for fam in sorted(owed & in_plan):
            if any(products[p]["family"] == fam for p in known):
                continue
            if any(w <= have for w in ways.get(fam, [])):
                continue
            yield g, (f"the {fam} is kept, so these {users} users {why} need it or Enterprise "
                      "Online Services that stand in for it ("
                      + " or ".join(" + ".join(sorted(w)) for w in ways.get(fam, [])) + ")")


@check("full_usl", "while platform SA runs, users on the platform move with Cloud Add-ons, "
                   "not Full USLs")
def _full_usl(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    cat = plan.cat
    if cat.platform_rules.get("full_usl_for_platform_users_midterm", "Y") != "N":
        return
    device, family = (cat.platform_rules["platform_user_device"],
                      cat.platform_rules["platform_user_family"])
    platform_sa_running = any(
        cat.items[h.product].family == family and h.sa and plan.running(h)
        for h in plan.inputs.holdings)
    if not platform_sa_running:
        return
    for g, users, prods in plan.assignments:
        group = plan.groups.get(g)
        if group is None or group.primary_device != device:
            continue
        full = [p for p in prods if p in cat.items and cat.items[p].kind == "suite"
                and cat.items[p].user_platform]
        if full:
            yield g, f"{', '.join(full)} for users on the running SA platform"


@check("agreement", "products bought are sold under the organization's agreement")
def _agreement(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    for p in plan.quantities(["buy", "true-up", "step-up"]):
        prod = plan.cat.items.get(p)
        if prod and prod.agreements and plan.agreement not in prod.agreements:
            yield p, f"not sold under {plan.agreement}"
        elif prod and not prod.available:
            yield p, "not available in this analysis"


@check("seat_caps", "products with a seat cap (Business plans: 300) are held within it")
def _seat_caps(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    for p, q in plan.quantities(["keep", "committed", "buy", "true-up"]).items():
        prod = plan.cat.items.get(p)
        cap = prod.max_seats if prod else None
        if cap is not None and q > cap:
            yield p, f"{q} seats, at most {cap} allowed"


@check("sales_rules", "with-Teams suites are bought only by organizations that already hold one")
def _sales_rules(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    products, since = plan.cat.sales_rules.get("with_teams_existing_customers",
                                               (frozenset(), date.max))
    if plan.on < since:
        return
    org_flag = plan.inputs.org.holds_with_teams_suite
    holds = (org_flag if org_flag is not None
             else any(h.product in products for h in plan.inputs.holdings))
    if holds:
        return
    held = {h.product for h in plan.inputs.holdings}  # seats added to a suite held stay allowed
    for p in plan.quantities(["buy"]):
        if p in products and p not in held:
            yield p, ("a with-Teams suite bought by an organization that holds none (since "
                      f"{since.isoformat()} new customers buy the no-Teams suite and Teams "
                      "Enterprise)")


@check("midterm_products", "no new Enterprise Product (CAL Suite, desktop platform) is added "
                           "mid-term")
def _midterm_products(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    if plan.at != "now" or plan.cat.platform_rules.get("new_enterprise_products_midterm",
                                                       "Y") == "Y":
        return
    held_fams = {plan.cat.items[h.product].family for h in plan.inputs.holdings} - {""}
    for p in plan.quantities(["buy", "true-up"]):
        fam = plan.cat.items[p].family if p in plan.cat.items else ""
        if fam and fam not in held_fams:
            yield p, f"a first {fam} product bought mid-term"


@check("prices", "every priced line uses the price the agreement allows (list in force, EA "
                 "price lock, running lines at their term's list, step-up difference, "
                 "discount, Prices sheet, monthly billing)")
def _prices(plan: PlanUnderAudit) -> Iterator[tuple[str, str]]:
    for r in plan.purchases:
        if r.product not in plan.cat.items or r.action == "drop":
            continue
        price = float(r.unit_price)
        if r.action in ("buy", "true-up", "step-up"):
            expected = plan.expected_buy(r.product)
            if expected is not None and abs(price - expected) > TOLERANCE:
                yield (f"{r.action} {r.product}",
                       f"unit price {price:,.2f}, the agreement allows {expected:,.2f}")
            continue
        allowed = plan.allowed_holding_prices(r.product)
        if allowed and all(abs(price - x) > TOLERANCE for x in allowed):
            yield (f"{r.action} {r.product}", f"unit price {price:,.2f}, the agreement allows "
                   + " or ".join(f"{x:,.2f}" for x in sorted(allowed)))


@check("arithmetic", "monthly = quantity x unit price, annual = 12 x monthly, total = annual cost")
def _arithmetic(plan: PlanUnderAudit) -> Iterator[tuple]:
    """Each finding may also name the Purchases row (its index) and column it is about."""
    for row, r in zip(plan.purchase_labels, plan.purchases):
        quantity, price = float(r.quantity), float(r.unit_price)
        monthly = quantity * price
        scope = f"{r.action} {r.product}"
        if abs(monthly - float(r.monthly_cost)) > TOLERANCE:
            yield (scope, f"monthly_cost is {float(r.monthly_cost):,.2f}, expected {quantity:,g} x "
                   f"{price:,.2f} = {monthly:,.2f}", row, "monthly_cost")
        if abs(12 * monthly - float(r.annual_cost)) > TOLERANCE * 12:
            yield (scope, f"annual_cost is {float(r.annual_cost):,.2f}, expected 12 x "
                   f"{monthly:,.2f} = {12 * monthly:,.2f}", row, "annual_cost")
    total = plan.purchases.total("annual_cost")
    if plan.annual_cost is not None and abs(total - plan.annual_cost) > 1:
        yield "total", (f"the plan's annual cost is {plan.annual_cost:,.2f}, expected the sum of "
                        f"the purchases, {total:,.2f}")


# ------------------------------------------------------------------ running them

def audit(inputs: OrgInputs, catalog: Catalog, purchases: Table | pd.DataFrame,
          assignments: Table | pd.DataFrame,
          at: str = "now", annual_cost: float | None = None,
          checks: Iterable[str] | None = None) -> list[Violation]:
    """Every rule the plan breaks (empty when compliant).

    Parameters
    ----------
    inputs : OrgInputs
        The organization the plan is for.
    catalog : Catalog
        The catalog whose rules the plan must follow.
    purchases, assignments : Table or pandas.DataFrame
        The plan's tables (columns as in :mod:`planner.results`); ``products`` in
        assignments is a tuple of product ids (or the ``"a + b"`` text of a plan workbook).
    at : str
        Planning point the plan was made for (which holdings are still running).
    annual_cost : float, optional
        Total the plan claims, checked against the purchases.
    checks : iterable of str, optional
        Names of the checks to run (all of :data:`CHECKS` by default).

    Returns
    -------
    list of Violation
        In the order of :data:`CHECKS`.
    """
    plan = PlanUnderAudit(inputs, catalog, purchases, assignments, at, annual_cost)
    names = list(CHECKS) if checks is None else list(checks)
    return [Violation(name, *finding) for name in names for finding in CHECKS[name].find(plan)]


def compliance_table(violations: list[Violation]) -> Table:
    """One row per check: passed, and the violations' details when not."""
    rows = []
    for name, registered in CHECKS.items():
        found = [v for v in violations if v.check == name]
        detail = "; ".join(f"{v.scope}: {v.detail}" for v in found[:20]) or registered.requires
        rows.append(dict(check=name, scope="all", passed=not found, detail=detail))
    return Table.from_dicts(COMPLIANCE_COLUMNS, rows)
