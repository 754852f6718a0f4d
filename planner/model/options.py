"""Per-group licence bundles: the sets of products one user may hold to be compliant.

A bundle covers every need of the group, meets each product's eligibility (qualifying
OS, frontline, agreement, sales rules) and per-user prerequisites (an add-on's base,
an add-on's SA platform, a step-up's source licence), and is minimal: no product can be
dropped. Where an Enterprise Agreement platform may be active, a bundle without a
per-user platform licence also comes in variants that carry the platform families, so
the model can honour the enterprise-wide commitment. Pure Python; no solver here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product as cartesian

from planner.catalog.load import FAMILIES, Catalog, Product
from planner.errors import Shortfall
from planner.input.organization import AGREEMENTS, Group, OrgInputs
from planner.catalog.pricing import Pricing

NOT_AVAILABLE = "are not available in this analysis (ruled out with catalog_without)"
"""Why a product an analysis ruled out is not a candidate (a catalog state, not an agreement)."""

MAX_BUNDLE_SIZE = 7


@dataclass(frozen=True)
class Bundle:
    """Products one user of a group holds, in catalog order."""

    products: tuple[str, ...]
    user_platform: bool
    families: frozenset[str]
    for_commitment: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """``a + b + c``."""
        return " + ".join(self.products)


@dataclass
class GroupOptions:
    """The compliant bundles of one group and what they are per user."""

    group: Group
    needs: tuple[str, ...]
    bundles: list[Bundle]
    qualified: bool
    shortfalls: list[Shortfall] = field(default_factory=list)
    org_users: int = 0

    def per_user(self, catalog: Catalog, product: str) -> float:
        """Units of ``product`` one user needs: 1 per user, the group's devices per user, or
        for a product bought once per organization (basis ``organization``) 1 / the
        organization's headcount, so that any use at all needs one unit."""
        basis = catalog.product(product).basis
        if basis == "device":
            users = self.group.users
            return self.group.device_count / users if users else float(self.group.devices_per_user)
        if basis == "organization":
            return 1.0 / max(self.org_users, 1)
        return 1.0


@dataclass
class Options:
    """Bundles of every group plus the org-level facts the model needs."""

    groups: list[GroupOptions]
    family_members: dict[str, tuple[str, ...]]
    committed_families: frozenset[str]
    platform_agreement: bool


class _Prices:
    """``pricing.buy_price`` memoised per product (a pandas lookup each time otherwise)."""

    def __init__(self, pricing: Pricing):
        self.pricing = pricing
        self.price_list = pricing.price_list
        self._buy: dict[str, float | None] = {}

    def buy_price(self, product: str) -> float | None:
        if product not in self._buy:
            self._buy[product] = self.pricing.buy_price(product)
        return self._buy[product]

    def running(self, holding) -> bool:
        return self.pricing.running(holding)

    @property
    def at(self) -> str:
        return self.pricing.at


def _held_for(inputs: OrgInputs, group: str) -> list:
    return [h for h in inputs.holdings if h.group in (None, "", group)]


def _ineligible_reason(prod: Product, group: Group) -> str | None:
    """Why one user of ``group`` may not hold ``prod`` (None when eligible).

    ``prod`` is the product whose rules apply (a step-up's target). Install limits are not
    a licence condition: they bound the use of a capability (see ``blocked_capability``).
    """
    if "frontline" in prod.eligibility and group.worker != "frontline":
        return f"are for frontline workers only (group worker is '{group.worker}')"
    if "qualifying_os" in prod.eligibility and not group.qualifying_os:
        return ("include Windows Enterprise per user, which needs a qualifying OS (Windows "
                f"Pro/Enterprise) on the primary device (group has primary_device={group.primary_device})")
    return None


def holds_with_teams_suite(inputs: OrgInputs, restricted: frozenset[str]) -> bool:
    """True when the organization may buy with-Teams suites (it already holds one).

    The Organization field ``holds_with_teams_suite`` decides when given; otherwise any
    held product the with-Teams sales rule names counts.
    """
    if inputs.org.holds_with_teams_suite is not None:
        return inputs.org.holds_with_teams_suite
    return any(h.product in restricted for h in inputs.holdings)


class _Enumerator:
    """Finds minimal bundles for one set of candidate products (memoised by signature)."""

    def __init__(self, catalog: Catalog, agreement: str, family_members: dict[str, tuple[str, ...]]):
        self.catalog = catalog
        self.agreement = agreement
        self.family_members = family_members
        self._provides: dict[str, frozenset[str]] = {}
        self._cache: dict[tuple, list[frozenset[str]]] = {}
        self._covered: dict[frozenset[str], frozenset[str]] = {}
        self._fixes: dict[tuple, list[str]] = {}
        self._ruled = {p.id for p in map(catalog.product, catalog.product_ids)
                       if p.requires_products or p.requires_needs or p.requires_families or p.step_from}

    def provides(self, pid: str) -> frozenset[str]:
        if pid not in self._provides:
            self._provides[pid] = self.catalog.provides(pid, self.agreement)
        return self._provides[pid]

    def covered(self, chosen: frozenset[str]) -> frozenset[str]:
        out = self._covered.get(chosen)
        if out is None:
            acc: set[str] = set()
            for p in chosen:
                acc |= self.provides(p)
            out = self._covered[chosen] = frozenset(acc)
        return out

    def _providers(self, need: str, cands: tuple[str, ...]) -> list[str]:
        key = (need, cands)
        out = self._fixes.get(key)
        if out is None:
            out = self._fixes[key] = [p for p in cands if need in self.provides(p)]
        return out

    def _unmet(self, chosen: frozenset[str], needs, cands, user_platform: bool = False) -> list[str] | None:
        """Products that could fix the first unmet need or prerequisite; None if valid.

        With ``user_platform``, a valid bundle must also hold a per-user platform licence.
        """
        have = self.covered(chosen)
        unmet = [self._providers(need, cands) for need in needs if need not in have]
        if unmet:  # branch on the most constrained need: fewer, equally complete branches
            return min(unmet, key=len)
        for pid in sorted(chosen):
            if pid not in self._ruled:  # no prerequisites: nothing to check
                continue
            prod = self.catalog.product(pid)
            if not prod.base_met(chosen):
                return [p for p in cands if p in prod.base_products]
            if prod.requires_needs:
                others = self.covered(chosen - {pid})
                for need in sorted(prod.requires_needs - others):
                    return [p for p in self._providers(need, cands) if p != pid]
            for fam in sorted(prod.requires_families):
                if not any(self.catalog.product(p).family == fam for p in chosen):
                    return [p for p in self.family_members.get(fam, ()) if p in cands]
            for src in prod.step_from:
                if src not in chosen:
                    return [src] if src in cands else []
        if user_platform and not any(self.catalog.product(p).user_platform for p in chosen):
            return [p for p in cands if self.catalog.product(p).user_platform]
        return None

    def bundles(self, needs: tuple[str, ...], cands: tuple[str, ...],
                user_platform: bool = False) -> list[frozenset[str]]:
        """Minimal bundles covering ``needs`` (and a per-user platform licence if asked)."""
        key = (needs, cands, user_platform)
        if key not in self._cache:
            self._cache[key] = self._search(needs, cands, user_platform)
        return self._cache[key]

    def _search(self, needs, cands, user_platform) -> list[frozenset[str]]:
        # Breadth first, by bundle size: a set that contains a valid set is never minimal,
        # so it is not expanded.
        valid: set[frozenset[str]] = set()
        level: set[frozenset[str]] = {frozenset()}
        while level:
            following: set[frozenset[str]] = set()
            for chosen in level:
                if any(v <= chosen for v in valid):
                    continue
                fixes = self._unmet(chosen, needs, cands, user_platform)
                if fixes is None:
                    valid.add(chosen)
                elif len(chosen) < MAX_BUNDLE_SIZE:
                    following.update(chosen | {p} for p in fixes if p not in chosen)
            level = following
        minimal: list[frozenset[str]] = []
        for s in sorted(valid, key=len):  # a superset of a valid set is never minimal
            if not any(t < s for t in minimal):
                minimal.append(s)
        return minimal


def _family_members(catalog: Catalog, inputs: OrgInputs, pricing) -> dict[str, tuple[str, ...]]:
    """Products usable for each platform family: the held ones, else the buyable ones.

    Mid-term (``--at now``) an Enterprise Agreement takes no new Enterprise Product: a
    family the organization does not hold yet can only be added at renewal.
    """
    held = {h.product for h in inputs.holdings}
    midterm_ok = catalog.platform_rules.get("new_enterprise_products_midterm", "Y") == "Y"
    members: dict[str, tuple[str, ...]] = {}
    for fam in FAMILIES:
        in_fam = [p for p in catalog.product_ids if catalog.product(p).family == fam]
        held_in = tuple(p for p in in_fam if p in held)
        if held_in or (pricing.at == "now" and not midterm_ok):
            members[fam] = held_in
        else:
            members[fam] = tuple(p for p in in_fam if pricing.buy_price(p) is not None)
    return members


def on_running_platform(catalog: Catalog, group: Group, committed: frozenset[str]) -> bool:
    """True when the group's users are covered today by a running SA desktop platform."""
    device = catalog.platform_rules.get("platform_user_device", "windows_enterprise")
    return "desktop_platform" in committed and group.primary_device == device


def _candidates(catalog: Catalog, inputs: OrgInputs, group: Group, pricing: Pricing,
                family_members, committed: frozenset[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Products one user of ``group`` may hold, and why each other product may not."""
    agreement = inputs.org.agreement
    no_full_usl = (catalog.platform_rules.get("full_usl_for_platform_users_midterm", "Y") == "N"
                   and on_running_platform(catalog, group, committed))
    held = _held_for(inputs, group.name)
    held_ids = {h.product for h in held}
    running_ids = {h.product for h in held if pricing.running(h)}
    fam_allowed = {p for members in family_members.values() for p in members}
    with_teams = catalog.sales_rule("with_teams_existing_customers", getattr(pricing, "pricing", pricing).on)
    may_buy_with_teams = holds_with_teams_suite(inputs, with_teams)
    cands, why_not = [], {}
    for pid in catalog.product_ids:
        prod = catalog.product(pid)
        reason = _ineligible_reason(catalog.rule_product(pid), group)
        if reason is None and pid in with_teams and not may_buy_with_teams and pid not in held_ids:
            reason = ("are with-Teams suites, sold since 2024-04-01 only to customers that already "
                      "hold one (new customers buy the (no Teams) suite and Teams Enterprise)")
        if reason is None and no_full_usl and prod.kind == "suite" and prod.user_platform:
            reason = ("are Full USLs, which users already on the SA-covered desktop platform do "
                      "not take before the renewal (they move with a Cloud Add-on to SA)")
        if reason is None and prod.is_step_up:
            missing = [s for s in prod.step_from if s not in running_ids]
            if missing:
                reason = f"step up an existing licence, and the group holds no running {', '.join(missing)}"
            elif pricing.buy_price(pid) is None:
                reason = f"have no price in price list {pricing.price_list.id}"
        elif reason is None and pid not in held_ids and pricing.buy_price(pid) is None:
            reason = (NOT_AVAILABLE if not prod.available
                      else f"are not sold under a {agreement} agreement" if not prod.sold_under(agreement)
                      else f"have no price in price list {pricing.price_list.id}")
        if reason is None and prod.family and pid not in fam_allowed:
            reason = (f"are not used: the organization's platform has another {prod.family} product"
                      if family_members.get(prod.family) else
                      "are Enterprise Products, which an Enterprise Agreement adds only at renewal "
                      "or in a new enrollment, not mid-term")
        if reason:
            why_not[pid] = reason
        else:
            cands.append(pid)
    return tuple(cands), why_not


def _blocked_shortfalls(group: Group, blocked: dict[str, str], catalog: Catalog) -> list[Shortfall]:
    """Needs the group's devices rule out whatever it holds, each with its fix."""
    out = []
    for need, reason in blocked.items():
        cap = catalog.capabilities[need]
        if cap.condition == "qualifying_os" and not group.qualifying_os:
            fix = ("give the users a Windows Pro primary device (primary_device=windows_pro), or, "
                   "if a virtual desktop is enough, need vdi instead (VDA per user needs no qualifying OS)")
        else:
            fix = (f"split the group so no user has more than {cap.install_limit} devices of a kind, "
                   "or give pcs_per_user, tablets_per_user and phones_per_user if the devices are "
                   "of several kinds (each kind has its own limit)")
        out.append(Shortfall(group.name, need, f"{need} {reason}", fix))
    return out


def _shortfalls(catalog: Catalog, group: Group, needs, cands, why_not, agreement) -> list[Shortfall]:
    """Name the needs nothing eligible can provide, with the blocking rule and a fix."""
    out = []
    for need in needs:
        providers = [p for p in catalog.product_ids if need in catalog.provides(p, agreement)]
        if any(p in cands for p in providers):
            continue
        reasons = [why_not[p] for p in providers if p in why_not]
        by_reason: dict[str, list[str]] = {}
        for p in providers:
            if p in why_not:
                by_reason.setdefault(why_not[p], []).append(p)
        fix = None
        if any("qualifying OS" in r for r in reasons):
            fix = "give the users a Windows Pro primary device (primary_device=windows_pro)"
            if need == "vdi":
                fix += ", or license VDI access per user with vda_user"
            elif need == "windows_enterprise":
                fix += ", or, if a virtual desktop is enough, need vdi instead (VDA per user needs no qualifying OS)"
        elif any("frontline" in r for r in reasons):
            fix = "mark the group worker=frontline if it meets the frontline criteria"
        elif any("not sold under" in r for r in reasons):
            fix = "plan under an Enterprise Agreement (agreement=EA)"
        elif NOT_AVAILABLE in reasons:
            fix = "allow the product again (the analysis removed it with catalog_without)"
        elsewhere = sorted(p for p in catalog.product_ids for agr in AGREEMENTS
                           if agr != agreement and need in catalog.provides(p, agr))
        if not providers and elsewhere:
            agreements = sorted({a for p, c, agr in catalog.conditional_rights if c == need for a in agr})
            by_reason[f"give it only under {'/'.join(agreements)} (not under {agreement})"] = \
                sorted(set(elsewhere))
            fix = (fix or f"plan under {'/'.join(agreements)}, or acquire the right outside the "
                   "plan (for server licences: buy them for the organization's servers)")
        reason = "; ".join(f"{', '.join(ps)} {r}" for r, ps in by_reason.items()) or \
            "no catalog product provides it"
        out.append(Shortfall(group.name, need, reason, fix))
    if not out:
        out.append(_prerequisite_shortfall(catalog, group, needs, cands, why_not, agreement) or Shortfall(
            group.name, ", ".join(needs), "no combination of eligible products meets every need and "
            "prerequisite (add-on base, SA platform, step-up source)"))
    return out


def _prerequisite_shortfall(catalog: Catalog, group: Group, needs, cands, why_not,
                            agreement) -> Shortfall | None:
    """A candidate that serves a need but requires a need no other candidate gives (e.g.
    Windows 365 Enterprise needs Windows Enterprise per user, which needs a qualifying OS)."""
    for p in cands:
        prod = catalog.product(p)
        if not set(needs) & catalog.provides(p, agreement):
            continue
        for req in sorted(prod.requires_needs):
            if any(req in catalog.provides(q, agreement) for q in cands if q != p):
                continue
            by_reason: dict[str, list[str]] = {}
            for q in catalog.product_ids:
                if q in why_not and req in catalog.provides(q, agreement):
                    by_reason.setdefault(why_not[q], []).append(q)
            reason = "; ".join([f"{p} needs {req} from another product, and no eligible product gives it"]
                               + [f"{', '.join(qs)} {r}" for r, qs in by_reason.items()])
            fix = ("give the users a Windows Pro primary device (primary_device=windows_pro)"
                   if any("qualifying OS" in r for r in by_reason) else None)
            return Shortfall(group.name, ", ".join(needs), reason, fix)
    return None


def _with_platform(bundle: frozenset[str], catalog: Catalog, family_members, qualified_families,
                   cands) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Variants of ``bundle`` that also carry the platform families it lacks."""
    present = {catalog.product(p).family for p in bundle} - {""}
    missing = [f for f in qualified_families if f not in present]
    variants = []
    for mask in range(1, 2 ** len(missing)):
        fams = [f for i, f in enumerate(missing) if mask >> i & 1]
        choices = [[p for p in family_members[f] if p in cands] for f in fams]
        for picks in cartesian(*choices):
            variants.append((bundle | set(picks), frozenset(fams)))
    return variants


def _roles(catalog: Catalog) -> dict[str, frozenset[tuple[str, frozenset[str]]]]:
    """Per product, the base-plan alternatives it takes part in: (requiring product, the rest
    of the alternative). Two products with the same roles stand in for each other in every
    base plan (any of Copilot's single-product bases, for instance)."""
    roles: dict[str, set[tuple[str, frozenset[str]]]] = {}
    for pid in catalog.product_ids:
        for alt in catalog.product(pid).requires_products:
            for p in alt:
                roles.setdefault(p, set()).add((pid, alt - {p}))
    return {p: frozenset(r) for p, r in roles.items()}


def prune_candidates(catalog: Catalog, cands: tuple[str, ...], needs: tuple[str, ...], prices,
                     held: frozenset[str], agreement: str) -> tuple[str, ...]:
    """Drop candidates another candidate dominates: no dearer, same structure, covering
    at least the same relevant capabilities and serving as a base plan wherever it does.

    Relevant capabilities are the group's needs and the needs candidates require from
    another product. A held product is never dropped (its units may be sunk). A dominated
    product can only appear in bundles that the dominating one makes as valid and no
    dearer, so the optimum is unchanged; pruning keeps bundle enumeration small as the
    catalog grows.
    """
    relevant = set(needs)
    for p in cands:
        relevant |= catalog.product(p).requires_needs
    roles = _roles(catalog)
    order = {p: i for i, p in enumerate(catalog.product_ids)}
    info = {}
    for p in cands:
        prod = catalog.product(p)
        # a stand-in must bring no prerequisite of its own that the product lacks
        info[p] = (_structure(prod) + (prod.max_seats, prod.eligibility, prod.requires_products,
                                       prod.requires_needs),
                   catalog.provides(p, agreement) & relevant, roles.get(p, frozenset()),
                   prices.buy_price(p))
    kept = []
    for q in cands:
        shape_q, cover_q, roles_q, price_q = info[q]
        prod_q = catalog.product(q)
        dominated = False
        if q not in held and price_q is not None and not prod_q.is_step_up:
            for p in cands:
                if p == q:
                    continue
                shape_p, cover_p, roles_p, price_p = info[p]
                if (shape_p == shape_q and price_p is not None
                        and (price_p < price_q or (price_p == price_q and order[p] < order[q]))
                        and cover_p >= cover_q and roles_p >= roles_q):
                    dominated = True
                    break
        if not dominated:
            kept.append(q)
    return tuple(kept)


def _structure(prod: Product) -> tuple:
    """What a swap must keep equal for the model's org-level rules to be unaffected."""
    return (prod.kind, prod.family, prod.user_platform, prod.sa_backing, prod.step_from,
            prod.requires_families, prod.basis)


def _drop_dominated(sets: list[frozenset[str]], catalog: Catalog, pricing: Pricing,
                    held: set[str]) -> list[frozenset[str]]:
    """Remove bundles a cheaper same-structure swap of one bought product also makes valid.

    A product the organization holds is never swapped away: its units may be sunk. A
    swap *to* a held product counts at that product's buy price: the holding may be too
    small for every user of the swapped bundle (a held but dearer product must not hide
    a cheaper bundle). Ties keep the bundle whose products come first in the catalog.
    """
    known = set(sets)
    order = {p: i for i, p in enumerate(catalog.product_ids)}
    kept = []
    for s in sets:
        dominated = False
        for p in s:
            if p in held:
                continue
            price_p = pricing.buy_price(p)
            if price_p is None:
                continue
            shape = _structure(catalog.product(p))
            for q in catalog.product_ids:
                if q in s or _structure(catalog.product(q)) != shape:
                    continue
                price_q = pricing.buy_price(q)
                # Held units of q are limited; a swap is safe only if buying q is no dearer.
                if price_q is None or price_q > price_p or (price_q == price_p and order[q] > order[p]):
                    continue
                if (s - {p}) | {q} in known:
                    dominated = True
                    break
            if dominated:
                break
        if not dominated:
            kept.append(s)
    return kept


def _is_pure(p: str, catalog: Catalog, pricing, held_ids: set[str]) -> bool:
    """True when the model sees product ``p`` only through its cost: bought freely, per
    user, with no holding, platform family, SA backing, step-up source or seat cap."""
    prod = catalog.product(p)
    return not (p in held_ids or prod.family or prod.sa_backing or prod.step_from or prod.max_seats
                or prod.basis != "user" or pricing.buy_price(p) is None)


def _cheapest_pure(sets: list[frozenset[str]], catalog: Catalog, pricing, held_ids: set[str],
                   order) -> list[frozenset[str]]:
    """Sets that differ only in their pure products (see :func:`_is_pure`) differ in the
    model only in cost: for each impure part and per-user-platform flag keep the cheapest
    (ties: catalog order). Exact: any plan using another of them costs no less."""
    best: dict[tuple, tuple] = {}
    for s in sets:
        pure = frozenset(p for p in s if _is_pure(p, catalog, pricing, held_ids))
        flag = any(catalog.product(p).user_platform for p in s)
        group = (s - pure, flag)
        key = (round(sum(pricing.buy_price(p) for p in pure), 6), sorted(order[p] for p in s))
        if group not in best or key < best[group][0]:
            best[group] = (key, s)
    return [s for _, s in best.values()]


def _group_bundles(catalog: Catalog, enum: _Enumerator, pricing, needs, cands, held_ids: set[str],
                   qualified: bool, held_families, family_members, order) -> list[Bundle]:
    """The sorted bundles of one group: minimal, undominated sets plus platform variants."""
    minimal = _cheapest_pure(_drop_dominated(enum.bundles(needs, cands), catalog, pricing, held_ids),
                             catalog, pricing, held_ids, order)
    sets = [(s, frozenset()) for s in minimal]
    if qualified and held_families:
        # The enterprise-wide commitment: each user carries the platform families or a
        # per-user platform licence (a suite, or a step-up of a held licence to one).
        extra = []
        for s, _ in sets:
            if not any(catalog.product(p).user_platform for p in s):
                extra += _with_platform(s, catalog, family_members, sorted(held_families), cands)
        per_user = _cheapest_pure(_drop_dominated(enum.bundles(needs, cands, user_platform=True),
                                                  catalog, pricing, held_ids),
                                  catalog, pricing, held_ids, order)
        extra += [(s, frozenset({"per-user platform licence"})) for s in per_user]
        known = {s for s, _ in sets}
        for s, f in extra:
            if s not in known:
                known.add(s)
                sets.append((s, f))
    bundles = []
    for s, fams in sets:
        prods = tuple(sorted(s, key=order.__getitem__))
        bundles.append(Bundle(
            products=prods,
            user_platform=any(catalog.product(p).user_platform for p in prods),
            families=frozenset(catalog.product(p).family for p in prods) - {""},
            for_commitment=fams,
        ))
    bundles.sort(key=lambda b: (len(b.products), b.products))
    return bundles


def enumerate_options(inputs: OrgInputs, catalog: Catalog, pricing: Pricing) -> Options:
    """Compliant, minimal bundles for every group (see module docstring).

    Parameters
    ----------
    inputs : OrgInputs
        The validated organization.
    catalog : Catalog
        Products and rules.
    pricing : Pricing
        Tells which products can be bought or are held and running at the planning date.
    """
    agreement = inputs.org.agreement
    platform_agreement = agreement in catalog.platform_rules.get("platform_agreements", "EA;EAS").split(";")
    family_members = _family_members(catalog, inputs, _Prices(pricing))
    held_families = {catalog.product(h.product).family for h in inputs.holdings} - {""}
    committed = frozenset(
        catalog.product(h.product).family for h in inputs.holdings
        if catalog.product(h.product).family and h.sa and pricing.running(h))
    enum = _Enumerator(catalog, agreement, family_members)
    order = {p: i for i, p in enumerate(catalog.product_ids)}
    prices = _Prices(pricing)
    running = [pricing.running(h) for h in inputs.holdings]
    pooled = [hi for hi, h in enumerate(inputs.holdings) if h.group in (None, "")]
    assigned: dict[str, list[int]] = {}
    for hi, h in enumerate(inputs.holdings):
        if h.group not in (None, ""):
            assigned.setdefault(h.group, []).append(hi)
    # Groups alike in what decides their candidates and bundles share one computation:
    # the result depends on the group only through these keys (memoised, not approximated).
    cand_cache: dict[tuple, tuple[tuple[str, ...], dict[str, str]]] = {}
    bundle_cache: dict[tuple, list[Bundle]] = {}
    prune_cache: dict[tuple, tuple[str, ...]] = {}
    org_users = sum(g.users for g in inputs.groups)
    result = []
    for group in inputs.groups:
        needs = catalog.expand_needs(group.needs)
        mine = pooled + assigned.get(group.name, [])
        held_ids = frozenset(inputs.holdings[hi].product for hi in mine)
        running_ids = frozenset(inputs.holdings[hi].product for hi in mine if running[hi])
        blocked = {n: r for n in needs if (r := catalog.blocked_capability(n, group))}
        ckey = (group.worker, group.primary_device, held_ids, running_ids)
        if ckey not in cand_cache:
            cand_cache[ckey] = _candidates(catalog, inputs, group, prices, family_members, committed)
        cands, why_not = cand_cache[ckey]
        pkey = (needs, cands, held_ids)
        if pkey not in prune_cache:
            prune_cache[pkey] = prune_candidates(catalog, cands, needs, prices, held_ids, agreement)
        usable = prune_cache[pkey]
        qualified = platform_agreement and group.qualifying_os
        bkey = (needs, usable, held_ids, qualified)
        if blocked:
            bundles = []
        else:
            if bkey not in bundle_cache:
                bundle_cache[bkey] = _group_bundles(catalog, enum, prices, needs, usable, set(held_ids),
                                                    qualified, held_families, family_members, order)
            bundles = list(bundle_cache[bkey])
        if bundles or group.users == 0:
            shortfalls = []
        elif blocked:
            shortfalls = _blocked_shortfalls(group, blocked, catalog)
        else:
            shortfalls = _shortfalls(catalog, group, needs, cands, why_not, agreement)
        result.append(GroupOptions(group, needs, bundles, qualified, shortfalls, org_users))
    return Options(result, family_members, committed, platform_agreement)
