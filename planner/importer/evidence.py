"""Each user's needs, worker kind and devices, inferred from licences and usage evidence.

The principle: a user needs what the current licences give (the union of the catalog
``provides`` of the products the SKUs map to), reduced only where evidence shows a
capability unused, and every decision is recorded as evidence ``(item, value, reason)``.
The rules and their thresholds are data (``catalog/tenant/evidence_rules.csv``); a rule
applies to those of its need ids the loaded catalog has, so the rules follow the
catalog's vocabulary:

- ``desktop_apps``: no Windows or Mac use of any Office app over a report period of at
  least ``min_days`` (Microsoft 365 Apps report) and no desktop activation -> the desktop
  apps need is dropped and web Office (``replacement``) is enough;
- ``copilot``: Copilot licensed but no activity in the Copilot report's period -> dropped
  (a reclaim candidate, also a finding);
- ``windows_local``: the primary device is not a qualifying OS -> Windows Enterprise per
  user is of no use and is dropped;
- ``virtual_desktop``: VDA rights are kept only with evidence of a virtual desktop (a Cloud
  PC or virtual machine in the Intune export, or a held VDA-only licence);
- ``kiosk_mailbox``: a mailbox over ``limit`` bytes or with an archive is not a 2 GB kiosk
  mailbox: the user is never frontline, and a kiosk mailbox need becomes ``replacement``;
- ``onprem_rights``: on-premises server and desktop rights are not visible in a tenant, so
  they are dropped (the notes ask to add them for users of on-premises servers);
- ``onedrive_storage``: a OneDrive over ``limit`` bytes is not frontline, and a kiosk
  SharePoint/OneDrive need becomes ``replacement``;
- ``teams_phone``: the user's own calls in the PSTN call log keep (or add) the Teams Phone
  need, and the user is never frontline;
- ``mailbox_use``: Exchange activity in the mailbox report's period while no licence
  gives a mailbox (Microsoft 365 F1 has no mailbox rights) adds the rule's mailbox need;
- ``inactive``: no sign-in and no activity in any workload for ``min_days`` before the
  report (accounts created or licensed within that time excepted): the user is not
  demand, and the licences are a reclaim finding.

Licences as Graph reports them: the service plans disabled on a licence take away the
capabilities only they define (:mod:`planner.importer.plans`); a licence whose assignment
is in error is not in effect (a finding), but its needs are kept: the organization meant
the user to have it.

Tiered capabilities (catalog ``tier_of``/``tier``, "at least" semantics) are reduced to
the highest tier the user has: a Plan 2 mailbox need already means Plan 1 and kiosk.

The worker kind is ``frontline`` only for users who already hold a frontline-only plan
(the organization has classified them so; the notes ask to confirm); device evidence
never asserts frontline, it only marks a user as a frontline candidate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.input.organization import QUALIFYING_OS
from planner.importer.devices import DEFAULT_INSTALL_LIMIT, KINDS, DeviceIndex, DeviceSummary
from planner.importer.plans import ServicePlans
from planner.importer.products import ProductMap
from planner.importer.tables import read_table
from planner.importer.tenant import Tenant, User, user_key
from planner.importer.usage import SHARED_MAILBOXES, used
from planner.importer.values import ALL_DAYS

GIB = 2**30
RULE_COLUMNS = ("rule", "needs", "replacement", "min_days", "limit", "source")
ONPREM_REASON = ("on-premises use is not visible in a tenant: add the need by hand for users "
                 "of on-premises servers")
"""Why on-premises rights are dropped (said once on the Organization notes, not per group)."""


@dataclass(frozen=True)
class Rule:
    """One row of ``evidence_rules.csv``, restricted to the catalog's needs."""

    name: str
    needs: tuple[str, ...]
    replacement: tuple[str, ...]
    min_days: int | None
    limit: int | None
    source: str
    listed: bool = True


def load_rules(catalog: Any) -> dict[str, Rule]:
    """The evidence rules, with need ids the catalog lacks left out."""
    known = set(catalog.needs.index)
    rules = {}
    for r in read_table("evidence_rules.csv", RULE_COLUMNS):
        rules[r["rule"]] = Rule(
            r["rule"], tuple(n for n in r["needs"].split(";") if n in known),
            tuple(n for n in r["replacement"].split(";") if n in known),
            int(r["min_days"]) if r["min_days"] else None,
            int(r["limit"]) if r["limit"] else None, r["source"], bool(r["needs"]))
    return rules


@dataclass
class Profile:
    """What one user needs, as inferred, with the evidence for each decision."""

    products: tuple[str, ...]
    needs: frozenset[str]
    worker: str
    primary_device: str
    devices: int
    # A list while the needs are inferred, frozen to a tuple when the profile is done.
    evidence: Any = field(default_factory=list)
    copilot_idle: bool = False
    frontline_candidate: bool = False
    kinds: tuple[int, int, int] | None = None


EXCLUDED_GUEST = "guest user"
EXCLUDED_DISABLED = "sign-in blocked (disabled account)"
EXCLUDED_SHARED = "shared or resource mailbox"
EXCLUDED_UNLICENSED = "no licence"
EXCLUDED_UNMAPPED = "only licences without a catalog product"
EXCLUDED_NO_NEEDS = "no needs left once the evidence was applied"
EXCLUDED_INACTIVE = "inactive: no sign-in or activity in the inactivity period"


def install_limits(catalog: Any) -> dict[str, int]:
    """Device kind -> the smallest install limit any catalog capability sets on it."""
    limits: dict[str, int] = {}
    for cap in (getattr(catalog, "capabilities", None) or {}).values():
        if getattr(cap, "install_limit", None):
            for kind in cap.install_kinds:
                limits[kind] = min(limits.get(kind, cap.install_limit), cap.install_limit)
    return limits


def top_tiers(needs: set[str], catalog: Any) -> set[str]:
    """``needs`` without the tiers another need of the same family exceeds (a Plan 2 mailbox
    already is a Plan 1 and a kiosk mailbox: catalog tiers have "at least" semantics)."""
    caps = getattr(catalog, "capabilities", None) or {}
    best: dict[str, int] = {}
    for need in needs:
        cap = caps.get(need)
        if cap is not None and cap.tier_of:
            best[cap.tier_of] = max(best.get(cap.tier_of, 0), cap.tier)
    return {n for n in needs if n not in caps or not caps[n].tier_of
            or caps[n].tier == best[caps[n].tier_of]}


def _period(days: int | None) -> str:
    """A report period in words."""
    if days is None:
        return "the report period"
    return "all time" if days >= ALL_DAYS else f"{days} days"


class Inference:
    """Infers a :class:`Profile` per user (see the module docstring)."""

    def __init__(self, catalog: Any, tenant: Tenant, products: ProductMap,
                 devices: DeviceIndex, as_of: date | None = None):
        self.catalog, self.tenant, self.products, self.devices = catalog, tenant, products, devices
        self.rules = load_rules(catalog)
        self.apps_report = tenant.report("apps")
        self.copilot_report = tenant.report("copilot")
        self._cache: dict[tuple, Profile | None] = {}
        self.install_limits = install_limits(catalog)
        self._products: dict[frozenset[str], tuple[str, ...]] = {}
        self.plans = ServicePlans(catalog)
        refreshes = [r.refresh for r in tenant.reports if r.refresh]
        self.reference = max(refreshes) if refreshes else as_of or date.today()
        """The day inactivity is judged on: the latest report refresh date, else ``as_of``."""
        self.inactive_days = self.rules["inactive"].min_days or 90

    def inactive(self, user: User) -> bool:
        """True when the exports show no sign-in and no workload activity in the inactivity
        period, and the account and its licences are older than that period."""
        activity = self.tenant.activity.get(user_key(user.upn))
        if activity is None and not user.sign_in_known:
            return False
        reference = activity.refresh if activity and activity.refresh else self.reference
        since = reference - timedelta(days=self.inactive_days)
        recent = (activity.last if activity else None, user.last_sign_in,
                  activity.assigned if activity else None, user.created)
        return not any(d is not None and d >= since for d in recent)

    def excluded(self, user: User) -> str | None:
        """Why ``user`` is not part of the demand, or None."""
        if user.guest:
            return EXCLUDED_GUEST
        if user.enabled is False:
            return EXCLUDED_DISABLED
        mailbox = self.tenant.mailboxes.get(user_key(user.upn))
        if mailbox and any(s in mailbox.recipient for s in SHARED_MAILBOXES):
            return EXCLUDED_SHARED
        if not user.skus and not user.errored:
            return EXCLUDED_UNLICENSED
        if self.inactive(user):
            return EXCLUDED_INACTIVE
        if not self.user_products(user):
            return EXCLUDED_UNMAPPED
        return None

    def products_of(self, keys: frozenset[str]) -> tuple[str, ...]:
        """The catalog products of SKU ``keys``, in catalog order."""
        cached = self._products.get(keys)
        if cached is None:
            found = {self.products.product(k) for k in keys} - {None}
            cached = self._products[keys] = tuple(p for p in self.catalog.items if p in found)
        return cached

    def user_products(self, user: User) -> tuple[str, ...]:
        """The catalog products the user holds or was meant to hold (licences in error
        included), in catalog order."""
        return self.products_of(user.skus | frozenset(user.errored))

    def active_products(self, user: User) -> tuple[str, ...]:
        """The catalog products of the user's licences in effect."""
        return self.products_of(user.skus)

    def _licence_facts(self, user: User) -> tuple:
        """(product, disabled plan GUIDs) of the licences with disabled plans, and
        (product, error) of the licences in error: hashable, for the profile cache."""
        disabled = tuple(sorted((pid, plans) for k, plans in user.disabled.items()
                                if (pid := self.products.product(k))))
        errored = tuple(sorted((pid, err) for k, err in user.errored.items()
                               if (pid := self.products.product(k))))
        return disabled, errored

    def profile(self, user: User) -> Profile | None:
        """The user's inferred profile, or None when no need is left.

        Users with the same facts (products, devices, usage) share one profile object.
        """
        key = user_key(user.upn)
        facts = self._facts(user, key)
        if facts not in self._cache:
            self._cache[facts] = self._build(*facts)
        return self._cache[facts]

    def _facts(self, user: User, key: str) -> tuple:
        """Everything a profile depends on, as a hashable tuple."""
        use = self.tenant.apps.get(key)
        copilot = self.tenant.copilot.get(key)
        mailbox = self.tenant.mailboxes.get(key)
        limit = self.rules["kiosk_mailbox"].limit or 2 * GIB
        onedrive_limit = self.rules["onedrive_storage"].limit or 2 * GIB
        return (self.user_products(user), self.devices.summary(key),
                None if use is None else (use.period, use.desktop),
                self.tenant.activations.get(key, 0) > 0,
                None if copilot is None else (copilot.period, used(copilot)),
                None if mailbox is None else (bool(mailbox.bytes and mailbox.bytes > limit),
                                              bool(mailbox.archive)),
                bool(mailbox and mailbox.used),
                self.tenant.onedrive.get(key, 0) > onedrive_limit,
                self.tenant.pstn_calls.get(key, 0) > 0,
                self._licence_facts(user))

    def _licensed_needs(self, prof: Profile, products: tuple[str, ...], licence_facts) -> set[str]:
        """What the licences give, less what disabled service plans take away; recorded."""
        disabled, errored = licence_facts
        lost: dict[str, set[str]] = {}
        why: dict[str, str] = {}
        for pid, plans in disabled:
            gone, names = self.plans.lost(pid, plans)
            lost[pid] = set(gone)
            why[pid] = f"service plan{'s' if len(names) != 1 else ''} {', '.join(names)} disabled"
        gives = {pid: set(self.catalog.items[pid].provides) - lost.get(pid, set())
                 for pid in products}
        needs = top_tiers(set().union(*gives.values()) if gives else set(), self.catalog)
        prof.evidence.append(("licences", "+".join(products), "assigned in the tenant"))
        for pid, err in errored:
            prof.evidence.append((f"licence {pid}", "in error",
                                  f"assignment state {err}: not in effect; its needs are kept "
                                  "(the organization assigned it)"))
        for need in sorted(needs):
            givers = [p for p in products if need in gives[p]]
            prof.evidence.append((f"need {need}", "kept", f"licence {'+'.join(givers)}"))
        for pid, removed in sorted(lost.items()):
            for need in sorted(top_tiers(set(removed), self.catalog) - needs):
                prof.evidence.append((f"need {need}", "dropped", f"{why[pid]} on licence {pid}"))
        return needs

    def _build(self, products: tuple[str, ...], summary: DeviceSummary | None, apps, activated: bool,
               copilot, mailbox, mail_used: bool, big_onedrive: bool, calls: bool,
               licence_facts) -> Profile | None:
        prof = Profile(products, frozenset(), "information", "windows_pro", 1)
        needs = self._licensed_needs(prof, products, licence_facts)
        self._devices(prof, summary)
        self._desktop_apps(prof, needs, apps, activated)
        self._copilot(prof, needs, copilot)
        self._windows(prof, needs, summary)
        self._virtual(prof, needs, summary, products)
        self._decide(prof, needs, "onprem_rights", False, ONPREM_REASON)
        self._mail_use(prof, needs, mail_used)
        blockers = self._mailbox(prof, needs, mailbox) + self._onedrive(prof, needs, big_onedrive) \
            + self._phone(prof, needs, calls)
        self._worker(prof, products, blockers, summary, needs)
        prof.needs = frozenset(needs)
        prof.evidence = tuple(prof.evidence)
        return prof if needs else None

    def _decide(self, prof: Profile, needs: set[str], rule: str, keep: bool, reason: str) -> None:
        """Keep or drop every need of ``rule`` the user has; a drop adds the replacement."""
        spec = self.rules[rule]
        for need in (n for n in spec.needs if n in needs):
            self._set(prof, f"need {need}", "kept" if keep else "dropped", reason)
            if not keep:
                needs.discard(need)
                for extra in spec.replacement:
                    if extra not in needs:
                        needs.add(extra)
                        self._set(prof, f"need {extra}", "added", reason)

    @staticmethod
    def _set(prof: Profile, item: str, value: str, reason: str) -> None:
        """Record a decision on ``item``, replacing an earlier one on the same item."""
        prof.evidence = [e for e in prof.evidence if e[0] != item] + [(item, value, reason)]

    def _devices(self, prof: Profile, summary: DeviceSummary | None) -> None:
        if summary is None:
            prof.evidence.append(("primary_device", "windows_pro", "no device export: assumed"))
            prof.evidence.append(("devices_per_user", "1", "no device export: assumed"))
            return
        prof.primary_device = summary.primary
        prof.evidence.append(("primary_device", summary.primary, summary.reason))
        counted: list[int] = []
        for kind, n in zip(KINDS, summary.kinds):
            limit = self.install_limits.get(kind, DEFAULT_INSTALL_LIMIT)
            counted.append(min(n, limit))
            if n > limit:
                reason = (f"{n} {kind}s enrolled: counted as {limit}, the install limit per "
                          "kind (check the licence terms)")
                prof.evidence.append((f"{kind}s_per_user", str(limit), reason))
        prof.kinds = (counted[0], counted[1], counted[2])
        prof.devices = sum(counted)
        prof.evidence.append(("devices_per_user", str(prof.devices), "devices enrolled in Intune"))

    def _desktop_apps(self, prof: Profile, needs: set[str], apps, activated: bool) -> None:
        rule = self.rules["desktop_apps"]
        if not set(rule.needs) & needs:
            return
        if self.apps_report is None:
            return self._decide(prof, needs, "desktop_apps", True, "no Microsoft 365 Apps usage report")
        if apps is None:
            return self._decide(prof, needs, "desktop_apps", True, "not in the Microsoft 365 Apps report")
        period, desktop = apps
        if period is None or period < (rule.min_days or 0):
            return self._decide(prof, needs, "desktop_apps", True,
                                f"apps report period of {period or 'unknown'} days is under "
                                f"{rule.min_days}: desktop use not judged")
        if desktop:
            return self._decide(prof, needs, "desktop_apps", True,
                                f"desktop app use in {_period(period)}")
        if activated:
            return self._decide(prof, needs, "desktop_apps", True,
                                "no desktop use, but desktop apps are activated")
        self._decide(prof, needs, "desktop_apps", False,
                     f"no Windows or Mac app use in {_period(period)}: web Office is enough")

    def _copilot(self, prof: Profile, needs: set[str], copilot) -> None:
        rule = self.rules["copilot"]
        if not set(rule.needs) & needs:
            return
        if self.copilot_report is None:
            return self._decide(prof, needs, "copilot", True, "no Copilot usage report")
        if copilot is None:
            return self._decide(prof, needs, "copilot", True, "not in the Copilot usage report")
        period, active = copilot
        if period is not None and period < (rule.min_days or 0):
            return self._decide(prof, needs, "copilot", True,
                                f"Copilot report period of {period} days is under {rule.min_days}")
        if active:
            return self._decide(prof, needs, "copilot", True, f"Copilot used in {_period(period)}")
        prof.copilot_idle = True
        self._decide(prof, needs, "copilot", False,
                     f"Copilot licensed but not used in {_period(period)}: reclaim candidate")

    def _windows(self, prof: Profile, needs: set[str], summary: DeviceSummary | None) -> None:
        if not set(self.rules["windows_local"].needs) & needs or summary is None:
            return
        if summary.primary in QUALIFYING_OS:
            self._decide(prof, needs, "windows_local", True, f"primary device {summary.primary}")
        else:
            self._decide(prof, needs, "windows_local", False,
                         f"primary device is {summary.primary}, not a qualifying OS")

    def _virtual(self, prof: Profile, needs: set[str], summary: DeviceSummary | None,
                 products: tuple[str, ...]) -> None:
        rule = self.rules["virtual_desktop"]
        if not set(rule.needs) & needs:
            return
        vda_only = [p for p in products if self.catalog.items[p].provides and
                    self.catalog.items[p].provides <= set(rule.needs)]
        if vda_only:
            return self._decide(prof, needs, "virtual_desktop", True, f"holds {'+'.join(vda_only)}")
        if summary is not None and summary.virtual:
            return self._decide(prof, needs, "virtual_desktop", True,
                                "Cloud PC or virtual machine in the Intune export")
        self._decide(prof, needs, "virtual_desktop", False,
                     "no virtual desktop in the Intune export" if summary is not None else
                     "no device export: add the need by hand for users of virtual desktops")

    def _mailbox(self, prof: Profile, needs: set[str], mailbox) -> list[str]:
        """Why the user is not frontline: the mailbox is too large for a kiosk mailbox (or
        has an archive); empty when neither."""
        if mailbox is None or not any(mailbox):
            return []
        large, archive = mailbox
        limit = self.rules["kiosk_mailbox"].limit or 2 * GIB
        reasons = ([f"mailbox over the {limit / GIB:.0f} GB of a kiosk mailbox"] if large else []) \
            + (["has an archive mailbox"] if archive else [])
        reason = "; ".join(reasons)
        prof.evidence.append(("mailbox", "not a kiosk mailbox", reason))
        self._decide(prof, needs, "kiosk_mailbox", False, reason)
        return ["is not a kiosk-mailbox user"]

    def _mail_use(self, prof: Profile, needs: set[str], used_mail: bool) -> None:
        """Exchange activity with no mailbox need from the licences (F1 has no mailbox
        rights) adds the rule's mailbox need."""
        caps = getattr(self.catalog, "capabilities", None) or {}
        families = {caps[n].tier_of or n for n in self.rules["mailbox_use"].needs if n in caps}
        if not used_mail or any((caps[n].tier_of or n) in families for n in needs if n in caps):
            return
        for need in self.rules["mailbox_use"].needs:
            needs.add(need)
            self._set(prof, f"need {need}", "added", "Exchange activity in the mailbox report "
                      "period, but no licence gives a mailbox")

    def _onedrive(self, prof: Profile, needs: set[str], large: bool) -> list[str]:
        """Why the user is not frontline: a OneDrive over the frontline storage limit."""
        if not large:
            return []
        limit = self.rules["onedrive_storage"].limit or 2 * GIB
        reason = f"OneDrive over the {limit / GIB:.0f} GB of the frontline plans"
        prof.evidence.append(("onedrive", "over the frontline storage", reason))
        self._decide(prof, needs, "onedrive_storage", False, reason)
        return ["uses more OneDrive storage than a frontline plan has"]

    def _phone(self, prof: Profile, needs: set[str], calls: bool) -> list[str]:
        """Why the user is not frontline: Teams Phone calls; the need is kept or added."""
        if not calls:
            return []
        reason = "own calls in the Teams PSTN call log"
        for need in self.rules["teams_phone"].needs:
            self._set(prof, f"need {need}", "kept" if need in needs else "added", reason)
            needs.add(need)
        return ["uses Teams Phone"]

    def _worker(self, prof: Profile, products: tuple[str, ...], blockers: list[str],
                summary: DeviceSummary | None, needs: set[str]) -> None:
        frontline = [p for p in products if "frontline" in self.catalog.items[p].eligibility]
        if frontline and not blockers:
            prof.worker = "frontline"
            reason = (f"holds {'+'.join(frontline)} (a frontline plan): confirm the users meet "
                      "the frontline definition")
            prof.evidence.append(("worker", "frontline", reason))
            return
        if frontline:
            prof.evidence.append(("worker", "information",
                                  f"holds {'+'.join(frontline)} but {' and '.join(blockers)}"))
            return
        desktop = set(self.rules["desktop_apps"].needs) & needs
        if summary is not None and summary.mobile_only and not blockers and not desktop:
            prof.frontline_candidate = True
            reason = ("frontline candidate: only phones or tablets enrolled (suggested, not "
                      "asserted: screen size is in no export)")
            prof.evidence.append(("worker", "information", reason))
            return
        prof.evidence.append(("worker", "information", "no frontline licence"))
