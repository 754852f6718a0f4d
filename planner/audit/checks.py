"""Independent compliance audit of any plan, including one edited by hand.

Re-derives every rule from the catalog and the organization alone; it imports nothing
from the option enumeration, the model or the solver, so a bug there cannot hide here.
Each check yields the violations it found; a plan is compliant when there are none.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pandas as pd

from planner.catalog.load import Catalog
from planner.input.organization import QUALIFYING_OS, Group, OrgInputs
from planner.results import COMPLIANCE_COLUMNS

TOLERANCE = 0.01  # [currency]


@dataclass(frozen=True)
class Violation:
    """One broken rule: which check, where, and what."""

    check: str
    scope: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check} [{self.scope}]: {self.detail}"


CHECKS = (
    ("headcount", "every user of every group is licensed exactly once"),
    ("known_products", "every product in the plan exists in the catalog"),
    ("needs", "each user's products provide every need of the group"),
    ("eligibility", "frontline plans only for frontline workers; Windows Enterprise per user only "
                    "with a qualifying OS; install rights within 5 devices of each kind"),
    ("prerequisites", "add-on base plans, required needs, SA platform families and step-up "
                      "sources are held by the same user"),
    ("step_up_sources", "step-ups only move up running licences the organization holds"),
    ("holdings", "holdings are kept at most as held"),
    ("supply", "units used never exceed units kept and bought"),
    ("sa_backing", "Cloud Add-ons to SA number at most the SA-covered on-premises licences"),
    ("platform", "an Enterprise Agreement platform covers every qualified user or none"),
    ("full_usl", "while platform SA runs, users on the platform move with Cloud Add-ons, not Full USLs"),
    ("agreement", "products bought are sold under the organization's agreement"),
    ("seat_caps", "products with a seat cap (Business plans: 300) are held within it"),
    ("sales_rules", "with-Teams suites are bought only by organizations that already hold one"),
    ("midterm_products", "no new Enterprise Product (CAL Suite, desktop platform) is added mid-term"),
    ("prices", "every priced line uses the price the agreement allows (list in force, EA price lock, "
               "step-up difference, discount, Prices sheet, monthly billing)"),
    ("arithmetic", "monthly = quantity x unit price, annual = 12 x monthly, total = annual cost"),
)


def _split_products(text) -> list[str]:
    if isinstance(text, (list, tuple)):
        return [str(p).strip() for p in text if str(p).strip()]
    return [p.strip() for p in str(text).split("+") if p.strip()]


class _Auditor:
    def __init__(self, inputs: OrgInputs, catalog: Catalog, purchases: pd.DataFrame,
                 assignments: pd.DataFrame, at: str, annual_cost: float | None):
        self.inputs = inputs
        self.cat = catalog
        self.purchases = purchases
        self.assignments = [(str(r.group), int(r.users), _split_products(r.products))
                            for r in assignments.itertuples(index=False)]
        self.at = at
        self.annual_cost = annual_cost
        self.agreement = inputs.org.agreement
        self.on: date = (inputs.org.renewal_date if at == "renewal" and inputs.org.renewal_date
                         else inputs.org.as_of)
        self.groups = {g.name: g for g in inputs.groups}
        self.out: list[Violation] = []
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
        if self.cat.items[pid].basis != "device":
            return 1.0
        return group.device_count / group.users if group.users else group.devices_per_user

    def running(self, h) -> bool:
        prod = self.cat.items[h.product]
        if prod.kind == "onprem_license" and not h.sa:
            return True
        return h.ends is None or h.ends > self.on

    def fail(self, check: str, scope: str, detail: str) -> None:
        self.out.append(Violation(check, scope, detail))

    def quantities(self, actions) -> dict[str, int]:
        rows = self.purchases[self.purchases["action"].isin(actions)]
        return {p: int(q) for p, q in rows.groupby("product")["quantity"].sum().items()}

    # -- checks ---------------------------------------------------------------------
    def check_headcount(self):
        got = defaultdict(int)
        for g, users, _ in self.assignments:
            if g not in self.groups:
                self.fail("headcount", g, "assignment for a group the organization does not have")
            got[g] += users
        for g in self.inputs.groups:
            if got[g.name] != g.users:
                self.fail("headcount", g.name, f"{got[g.name]} users licensed, headcount is {g.users}")

    def check_known_products(self):
        used = {p for _, _, ps in self.assignments for p in ps} | set(self.purchases["product"])
        for p in sorted(used - set(self.cat.items)):
            self.fail("known_products", p, "not a catalog product")

    def check_users(self):
        for g, users, prods in self.assignments:
            group = self.groups.get(g)
            if group is None or not users or any(p not in self.cat.items for p in prods):
                continue
            scope = f"{g}: {' + '.join(prods)}"
            have = set().union(*(self.rights(p) for p in prods)) if prods else set()
            needs = self.cat.expand_needs(group.needs)
            missing = [n for n in needs if n not in have]
            if missing:
                self.fail("needs", scope, "not covered: " + ", ".join(missing))
            for n in needs:
                why = self.unusable(n, group)
                if why:
                    self.fail("eligibility", scope, why)
            for p in prods:
                prod = self.cat.items[p]
                rule = self.cat.items[prod.step_to] if prod.kind == "step_up" else prod
                if "frontline" in rule.eligibility and group.worker != "frontline":
                    self.fail("eligibility", scope, f"{p} is for frontline workers only")
                if "qualifying_os" in rule.eligibility and group.primary_device not in QUALIFYING_OS:
                    self.fail("eligibility", scope, f"{p} needs a qualifying OS on the primary device")
                if prod.requires_products and not any(alt <= set(prods) for alt in prod.requires_products):
                    self.fail("prerequisites", scope, f"{p} needs one of {prod.requirement_text()}")
                others = set().union(*(self.rights(q) for q in prods if q != p)) if len(prods) > 1 else set()
                for need in prod.requires_needs - others:
                    self.fail("prerequisites", scope, f"{p} needs {need} from another product")
                for fam in prod.requires_families:
                    if not any(self.cat.items[q].family == fam for q in prods):
                        self.fail("prerequisites", scope, f"{p} needs the {fam} with SA")
                for src in prod.step_from:
                    if src not in prods:
                        self.fail("prerequisites", scope, f"{p} needs {src} held by the same user")

    def used_units(self) -> dict[str, float]:
        used: dict[str, float] = defaultdict(float)
        for g, users, prods in self.assignments:
            group = self.groups.get(g)
            if group is None:
                continue
            for p in prods:
                if p in self.cat.items:
                    used[p] += users * self.units_per_user(p, group)
        return self.organization_units(used)

    def organization_units(self, used: dict[str, float]) -> dict[str, float]:
        """A product bought once per organization (basis ``organization``, e.g. a tenant
        capacity pack) needs one unit as soon as any user holds it, whatever the count."""
        for p in used:
            if self.cat.items[p].basis == "organization" and used[p] > 0:
                used[p] = 1.0
        return used

    def check_supply(self):
        kept, bought = self.quantities(["keep"]), self.quantities(["buy", "true-up", "step-up"])
        held: dict[str, int] = defaultdict(int)
        for h in self.inputs.holdings:
            held[h.product] += h.quantity
        listed = self.quantities(["keep", "drop", "committed"])
        for p, q in kept.items():
            if q > held.get(p, 0):
                self.fail("holdings", p, f"keeps {q} but the organization holds {held.get(p, 0)}")
        for p, q in held.items():
            if listed.get(p, 0) != q:
                self.fail("holdings", p, f"holds {q} but the plan keeps or drops {listed.get(p, 0)}")
        for p, units in self.used_units().items():
            have = kept.get(p, 0) + bought.get(p, 0)
            if have < math.ceil(units - 1e-6):
                self.fail("supply", p, f"{math.ceil(units - 1e-6)} units used, {have} kept or bought")

    def check_step_up_sources(self):
        consumed: dict[str, int] = defaultdict(int)
        for _, users, prods in self.assignments:
            for p in prods:
                if p in self.cat.items:
                    for src in self.cat.items[p].step_from:
                        consumed[src] += users
        for src, users in consumed.items():
            running = sum(h.quantity for h in self.inputs.holdings if h.product == src and self.running(h))
            if users > running:
                self.fail("step_up_sources", src, f"{users} step-ups from {src} but {running} running licences held")

    def check_sa_backing(self):
        addons: dict[str, int] = defaultdict(int)
        for _, users, prods in self.assignments:
            for p in prods:
                if p in self.cat.items and self.cat.items[p].sa_backing:
                    addons[self.cat.items[p].sa_backing] += users
        kept_sa: dict[str, int] = defaultdict(int)
        remaining = self.quantities(["keep"])
        for h in self.inputs.holdings:
            fam = self.cat.items[h.product].family
            if fam and h.sa and remaining.get(h.product, 0) > 0:
                take = min(h.quantity, remaining[h.product])
                kept_sa[fam] += take
                remaining[h.product] -= take
        for p, q in self.quantities(["buy", "true-up"]).items():
            fam = self.cat.items[p].family if p in self.cat.items else ""
            if fam:
                kept_sa[fam] += q
        for fam, users in addons.items():
            if users > kept_sa[fam]:
                self.fail("sa_backing", fam, f"{users} Cloud Add-ons but {kept_sa[fam]} SA-covered {fam} licences")

    def check_platform(self):
        if self.agreement not in self.cat.platform_rules.get("platform_agreements", "EA;EAS").split(";"):
            return
        held_fams = {self.cat.items[h.product].family for h in self.inputs.holdings} - {""}
        in_plan = {self.cat.items[p].family for p in self.quantities(["keep", "buy", "true-up"])
                   if p in self.cat.items} - {""}
        for fam in sorted(held_fams & in_plan):
            for g, users, prods in self.assignments:
                group = self.groups.get(g)
                if group is None or not group.qualifying_os or not users:
                    continue
                known = [self.cat.items[p] for p in prods if p in self.cat.items]
                rules = [self.cat.items[p.step_to] if p.kind == "step_up" else p for p in known]
                if not any(p.family == fam for p in known) and not any(r.user_platform for r in rules):
                    self.fail("platform", g, f"the {fam} is kept, so these {users} qualified users "
                              "need it or a per-user platform licence (M365 E3/E5/E7)")

    def check_full_usl(self):
        if self.cat.platform_rules.get("full_usl_for_platform_users_midterm", "Y") != "N":
            return
        device = self.cat.platform_rules.get("platform_user_device", "windows_enterprise")
        platform_sa_running = any(
            self.cat.items[h.product].family == "desktop_platform" and h.sa and self.running(h)
            for h in self.inputs.holdings)
        if not platform_sa_running:
            return
        for g, users, prods in self.assignments:
            group = self.groups.get(g)
            if group is None or group.primary_device != device:
                continue
            full = [p for p in prods if p in self.cat.items and self.cat.items[p].kind == "suite"
                    and self.cat.items[p].user_platform]
            if full:
                self.fail("full_usl", g, f"{', '.join(full)} for users on the running SA platform")

    def check_agreement(self):
        for p in self.quantities(["buy", "true-up", "step-up"]):
            prod = self.cat.items.get(p)
            if prod and prod.agreements and self.agreement not in prod.agreements:
                self.fail("agreement", p, f"not sold under {self.agreement}")
            elif prod and not prod.available:
                self.fail("agreement", p, "not available in this analysis")

    def check_seat_caps(self):
        held = self.quantities(["keep", "committed", "buy", "true-up"])
        for p, q in held.items():
            prod = self.cat.items.get(p)
            cap = prod.max_seats if prod else None
            if cap is not None and q > cap:
                self.fail("seat_caps", p, f"{q} seats, at most {cap} allowed")

    def check_sales_rules(self):
        products, since = self.cat.sales_rules.get("with_teams_existing_customers", (frozenset(), date.max))
        if self.on < since:
            return
        org_flag = self.inputs.org.holds_with_teams_suite
        holds = org_flag if org_flag is not None else any(h.product in products for h in self.inputs.holdings)
        if holds:
            return
        for p in self.quantities(["buy"]):
            if p in products:
                self.fail("sales_rules", p, "a with-Teams suite bought by an organization that holds none "
                          "(since 2024-04-01 new customers buy the no-Teams suite and Teams Enterprise)")

    def check_midterm_products(self):
        if self.at != "now" or self.cat.platform_rules.get("new_enterprise_products_midterm", "Y") == "Y":
            return
        held_fams = {self.cat.items[h.product].family for h in self.inputs.holdings} - {""}
        for p in self.quantities(["buy", "true-up"]):
            fam = self.cat.items[p].family if p in self.cat.items else ""
            if fam and fam not in held_fams:
                self.fail("midterm_products", p, f"a first {fam} product bought mid-term")

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
        try:
            return h.ends.replace(year=h.ends.year - years)
        except ValueError:
            return h.ends.replace(year=h.ends.year - years, day=28)

    def _list_price(self, pl, pid: str, sa_only: bool = False) -> float | None:
        override = {o.product: o.unit_price for o in self.inputs.prices}
        if pid in override and not sa_only:
            return override[pid]
        frame = pl.prices
        if pid not in frame.index:
            plan_list = self._plan_list()
            return None if pl is plan_list else self._list_price(plan_list, pid, sa_only)
        raw = frame.at[pid, "sa_unit_price" if sa_only else "unit_price"]
        if raw != raw:
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
        prod = self.cat.items[pid]
        if prod.kind == "step_up" and pid not in {o.product for o in self.inputs.prices}:
            target = self.expected_buy(prod.step_to)
            paid = [min((self._paid(h) for h in self.inputs.holdings
                         if h.product == s and self.running(h)), default=None) for s in prod.step_from]
            return None if target is None or None in paid else max(0.0, target - sum(paid))
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

    def check_prices(self):
        for r in self.purchases.itertuples(index=False):
            if r.product not in self.cat.items or r.action == "drop":
                continue
            if r.action in ("buy", "true-up", "step-up"):
                expected = self.expected_buy(r.product)
            else:
                allowed = self.allowed_holding_prices(r.product)
                if allowed and all(abs(float(r.unit_price) - x) > TOLERANCE for x in allowed):
                    self.fail("prices", f"{r.action} {r.product}",
                              f"unit price {float(r.unit_price):,.2f}, the agreement allows "
                              + " or ".join(f"{x:,.2f}" for x in sorted(allowed)))
                continue
            if expected is not None and abs(float(r.unit_price) - expected) > TOLERANCE:
                self.fail("prices", f"{r.action} {r.product}",
                          f"unit price {float(r.unit_price):,.2f}, the agreement allows {expected:,.2f}")

    def check_arithmetic(self):
        for r in self.purchases.itertuples(index=False):
            monthly = float(r.quantity) * float(r.unit_price)
            if abs(monthly - float(r.monthly_cost)) > TOLERANCE or abs(12 * monthly - float(r.annual_cost)) > TOLERANCE * 12:
                self.fail("arithmetic", f"{r.action} {r.product}", "costs do not match quantity x unit price")
        if self.annual_cost is not None and abs(float(self.purchases["annual_cost"].sum()) - self.annual_cost) > 1:
            self.fail("arithmetic", "total", "purchases do not add up to the plan's annual cost")

    def run(self) -> list[Violation]:
        self.check_headcount()
        self.check_known_products()
        self.check_users()
        self.check_step_up_sources()
        self.check_supply()
        self.check_sa_backing()
        self.check_platform()
        self.check_full_usl()
        self.check_agreement()
        self.check_seat_caps()
        self.check_sales_rules()
        self.check_midterm_products()
        self.check_prices()
        self.check_arithmetic()
        return self.out


def audit(inputs: OrgInputs, catalog: Catalog, purchases: pd.DataFrame, assignments: pd.DataFrame,
          at: str = "now", annual_cost: float | None = None) -> list[Violation]:
    """Every rule the plan breaks (empty when compliant).

    Parameters
    ----------
    purchases, assignments : pandas.DataFrame
        The plan's tables (columns as in :mod:`planner.results`); ``products`` in
        assignments is ``"a + b"`` text or a list of ids.
    at : str
        Planning point the plan was made for (which holdings are still running).
    annual_cost : float, optional
        Total the plan claims, checked against the purchases.
    """
    return _Auditor(inputs, catalog, purchases, assignments, at, annual_cost).run()


def compliance_table(violations: list[Violation]) -> pd.DataFrame:
    """One row per check: passed, and the violations' details when not."""
    rows = []
    for check, text in CHECKS:
        found = [v for v in violations if v.check == check]
        detail = "; ".join(f"{v.scope}: {v.detail}" for v in found[:20]) or text
        rows.append(dict(check=check, scope="all", passed=not found, detail=detail))
    return pd.DataFrame(rows, columns=COMPLIANCE_COLUMNS)
