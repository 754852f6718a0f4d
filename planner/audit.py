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

from .catalog import Catalog
from .inputs import Group, OrgInputs
from .results import COMPLIANCE_COLUMNS

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
                    "with a qualifying OS; at most 5 devices of a kind per user licence"),
    ("prerequisites", "add-on base plans, required needs, SA platform families and step-up "
                      "sources are held by the same user"),
    ("step_up_sources", "step-ups only move up running licences the organization holds"),
    ("holdings", "holdings are kept at most as held"),
    ("supply", "units used never exceed units kept and bought"),
    ("sa_backing", "Cloud Add-ons to SA number at most the SA-covered on-premises licences"),
    ("platform", "an Enterprise Agreement platform covers every qualified user or none"),
    ("full_usl", "while platform SA runs, users on the platform move with Cloud Add-ons, not Full USLs"),
    ("agreement", "products bought are sold under the organization's agreement"),
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

    # -- rules re-derived from the catalog --------------------------------------------
    def rights(self, pid: str) -> set[str]:
        prod = self.cat.items[pid]
        base = self.cat.items[prod.step_to] if prod.kind == "step_up" else prod
        extra = {need for p, need, agr in self.cat.conditional_rights
                 if p == base.id and self.agreement in agr}
        return set(base.provides) | extra

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
            missing = [n for n in self.cat.expand_needs(group.needs) if n not in have]
            if missing:
                self.fail("needs", scope, "not covered: " + ", ".join(missing))
            for p in prods:
                prod = self.cat.items[p]
                rule = self.cat.items[prod.step_to] if prod.kind == "step_up" else prod
                if "frontline" in rule.eligibility and group.worker != "frontline":
                    self.fail("eligibility", scope, f"{p} is for frontline workers only")
                if "qualifying_os" in rule.eligibility and not group.qualifying_os:
                    self.fail("eligibility", scope, f"{p} needs a qualifying OS on the primary device")
                if rule.max_devices is not None and group.devices_per_user > rule.max_devices:
                    self.fail("eligibility", scope, f"{p} covers at most {rule.max_devices} devices of a kind")
                if prod.requires_products and not prod.requires_products & set(prods):
                    self.fail("prerequisites", scope, f"{p} needs one of {sorted(prod.requires_products)}")
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
        return used

    def check_supply(self):
        kept, bought = self.quantities(["keep"]), self.quantities(["buy", "true-up", "step-up"])
        held: dict[str, int] = defaultdict(int)
        for h in self.inputs.holdings:
            held[h.product] += h.quantity
        listed = self.quantities(["keep", "drop"])
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
