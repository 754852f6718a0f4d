"""Per-group licence bundles: the sets of products one user may hold to be compliant.

A bundle covers every need of the group, meets each product's eligibility (qualifying
OS, frontline, agreement, sales rules) and per-user prerequisites (an add-on's base,
an add-on's SA platform, a step-up's source licence), and is minimal: no product can be
dropped. Under an Enterprise Agreement a bundle records which platform families its user
*owes* (the enterprise-wide commitment reaches Qualified Devices and Qualified Users,
rules/platform.csv) and which it *covers* (a family product, or Enterprise Online
Services providing one of the family's capability sets, rules/platform_cover.csv); a
bundle that owes a family it does not cover also comes in variants that carry the family
or its online equivalent, so the model can honour the commitment. Pure Python; no solver.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product as cartesian
from collections.abc import Sequence
from typing import Any, NamedTuple

from planner.catalog.load import FAMILIES, Catalog, Product
from planner.errors import Shortfall
from planner.input.organization import AGREEMENTS, Group, OrgInputs
from planner.catalog.pricing import Pricing

NOT_AVAILABLE = "are not available in this analysis (ruled out with catalog_without)"
"""Why a product an analysis ruled out is not a candidate (a catalog state, not an agreement)."""

MAX_BUNDLE_SIZE = 7


class Reason(NamedTuple):
    """Why a product is not a candidate: the rule's code and the text users read."""

    code: str
    text: str


@dataclass(frozen=True)
class Bundle:
    """Products one user of a group holds, in catalog order."""

    products: tuple[str, ...]
    families: frozenset[str]
    covers: frozenset[str] = frozenset()
    owes: frozenset[str] = frozenset()
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
    owed: "Owed"
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
    """``pricing.buy_price`` memoised per product (a pandas lookup each time otherwise).

    ``also``: further price points (a price sweep) the options must be exact for;
    :meth:`points` gives a product's buy price at every point, this one first.
    """

    def __init__(self, pricing: Pricing, also: Sequence[Pricing] = ()):
        self.pricing = pricing
        self.price_list = pricing.price_list
        self.also = tuple(also)
        self._buy: dict[str, float | None] = {}
        self._points: dict[str, tuple[float | None, ...]] = {}

    def buy_price(self, product: str) -> float | None:
        if product not in self._buy:
            self._buy[product] = self.pricing.buy_price(product)
        return self._buy[product]

    def points(self, product: str) -> tuple[float | None, ...]:
        """The buy price of ``product`` at every price point (None where it cannot be bought)."""
        if product not in self._points:
            self._points[product] = (self.buy_price(product),) + tuple(p.buy_price(product)
                                                                        for p in self.also)
        return self._points[product]

    def running(self, holding) -> bool:
        return self.pricing.running(holding)

    @property
    def at(self) -> str:
        return self.pricing.at


def _held_for(inputs: OrgInputs, group: str) -> list:
    return [h for h in inputs.holdings if h.group in (None, "", group)]


def _ineligible_reason(prod: Product, group: Group) -> Reason | None:
    """Why one user of ``group`` may not hold ``prod`` (None when eligible).

    ``prod`` is the product whose rules apply (a step-up's target). Install limits are not
    a licence condition: they bound the use of a capability (see ``blocked_capability``).
    """
    if "frontline" in prod.eligibility and group.worker != "frontline":
        return Reason("frontline", f"are for frontline workers only (group worker is '{group.worker}')")
    if "qualifying_os" in prod.eligibility and not group.qualifying_os:
        return Reason("qualifying_os", "include Windows Enterprise per user, which needs a qualifying "
                      f"OS (Windows Pro/Enterprise) on the primary device (group has "
                      f"primary_device={group.primary_device})")
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
    """Finds minimal bundles for one set of candidate products (memoised by signature).

    Sets of products are integer bitmasks over the catalog order, and so are the
    capabilities a set covers: the search makes hundreds of thousands of subset tests.
    """

    def __init__(self, catalog: Catalog, agreement: str, family_members: dict[str, tuple[str, ...]]):
        self.catalog = catalog
        self.agreement = agreement
        self.ids = catalog.product_ids
        self.bit = {p: 1 << i for i, p in enumerate(self.ids)}
        self._cap_bit: dict[str, int] = {}
        self.cov = {self.bit[p]: self.caps(catalog.provides(p, agreement)) for p in self.ids}
        prods = [catalog.product(p) for p in self.ids]
        self.family = {fam: self.mask(p.id for p in prods if p.family == fam) for fam in FAMILIES}
        self.user_platform = self.mask(p.id for p in prods if p.user_platform)
        self.eos = self.mask(p for p in self.ids if catalog.enterprise_online_service(p))
        # The capability sets that stand in for each family's usable products.
        self.cover_sets = {fam: tuple(dict.fromkeys(w for p in family_members.get(fam, ())
                                                    for w in catalog.platform_cover.get(p, ())))
                           for fam in FAMILIES}
        self.cover_ways = {fam: [self.caps(w) for w in ways] for fam, ways in self.cover_sets.items()}
        self._ruled = [p for p in prods
                       if p.requires_products or p.requires_needs or p.requires_families or p.step_from]
        self._cache: dict[tuple, list[int]] = {}

    def caps(self, capabilities) -> int:
        """The bitmask of ``capabilities`` (bits are given out on first sight)."""
        out = 0
        for c in capabilities:
            b = self._cap_bit.get(c)
            if b is None:
                b = self._cap_bit[c] = 1 << len(self._cap_bit)
            out |= b
        return out

    def mask(self, products) -> int:
        """The bitmask of ``products`` (a product outside the catalog has no bit)."""
        out = 0
        for p in products:
            out |= self.bit.get(p, 0)
        return out

    def products(self, mask: int) -> tuple[str, ...]:
        """The products of ``mask``, in catalog order."""
        return tuple(p for p in self.ids if self.bit[p] & mask)

    def covers(self, mask: int, online: bool = True) -> frozenset[str]:
        """Platform families the set ``mask`` meets: it holds a family product, or its
        products together provide one of the family's capability sets. Not ``online``, only
        per-user platform licences (a step-up to Microsoft 365 E3/E5/E7) count for the sets."""
        have = 0
        for b in _bits(mask if online else mask & self.user_platform):
            have |= self.cov[b]
        return frozenset(f for f in FAMILIES if mask & self.family[f]
                         or online and any(w & have == w for w in self.cover_ways.get(f, ())))

    def providers(self, capability: str, cands: int) -> int:
        """Candidates (a mask) that provide ``capability``."""
        cap = self.caps([capability])
        return self.mask(p for p in self.ids if self.bit[p] & cands and self.cov[self.bit[p]] & cap)

    def _rules(self, cands: int) -> list[tuple[int, list]]:
        """Per candidate with prerequisites: its bit and its checks as (kind, data) pairs.

        Each check, when unmet by a set, yields the candidates that could meet it; a valid
        superset must hold one of them, so branching on them misses no minimal bundle.
        """
        out = []
        for prod in self._ruled:
            bit = self.bit[prod.id]
            if not bit & cands:
                continue
            checks: list[tuple[str, object]] = []
            if prod.requires_products:
                alts = [self.mask(a) for a in prod.requires_products
                        if all(self.bit.get(p, 0) & cands for p in a)]
                checks.append(("base", alts))
            for need in sorted(prod.requires_needs):
                checks.append(("need", (self.caps([need]), self.providers(need, cands) & ~bit)))
            for fam in sorted(prod.requires_families):
                checks.append(("family", self.family.get(fam, 0) & cands))
            for src in prod.step_from:
                checks.append(("source", self.bit[src] & cands if src in self.bit else 0))
            out.append((bit, checks))
        return out

    def bundles(self, needs: tuple[str, ...], cands: tuple[str, ...]) -> list[int]:
        """Minimal bundles (masks) covering ``needs``.

        A bundle is valid when it covers the needs and meets every prerequisite of its
        products (base plan, needs required from another product, platform family,
        step-up source); minimal when no product can be dropped; at most
        ``MAX_BUNDLE_SIZE`` products.
        """
        key = (needs, cands)
        if key not in self._cache:
            self._cache[key] = self._search(needs, self.mask(cands))
        return self._cache[key]

    def _search(self, needs, cands: int) -> list[int]:
        cov = self.cov
        # Most constrained need first (fewest providers): fewer, equally complete branches.
        need_fixes = sorted(((self.caps([n]), self.providers(n, cands)) for n in needs),
                            key=lambda nf: nf[1].bit_count())
        all_needs = self.caps(needs)
        rules = dict(self._rules(cands))
        ruled = sum(rules)  # distinct single bits: their sum is their union

        def fixes(chosen: int, have: int) -> int | None:
            """Candidates that could fix the first unmet need or prerequisite; None if valid."""
            if all_needs & ~have:
                for cap, providers in need_fixes:
                    if not have & cap:
                        return providers
            todo = chosen & ruled
            while todo:
                bit = todo & -todo
                todo ^= bit
                for kind, data in rules[bit]:
                    if kind == "base":
                        if not any(alt & chosen == alt for alt in data):
                            out = 0
                            for alt in data:
                                out |= alt & ~chosen
                            return out
                    elif kind == "need":
                        cap, providers = data
                        others = 0
                        rest = chosen & ~bit
                        while rest:
                            low = rest & -rest
                            others |= cov[low]
                            rest ^= low
                        if not others & cap:
                            return providers
                    elif not data & chosen:  # family or step-up source
                        return data
            return None

        # Breadth first, by bundle size: a set that contains a valid set is never minimal,
        # so it is not expanded.
        # A set reached by adding product b to an expanded set can contain a valid set only
        # if that valid set holds b (the expanded set contained none): valid sets are
        # looked up by product.
        valid: list[int] = []
        valid_with: dict[int, list[int]] = {}
        level: dict[int, tuple[int, int]] = {0: (0, 0)}  # set -> (capabilities it covers, last product)
        size = 0
        while level:
            following: dict[int, tuple[int, int]] = {}
            for chosen, (have, last) in level.items():
                if any(v & chosen == v for v in valid_with.get(last, ())):
                    continue
                fix = fixes(chosen, have)
                if fix is None:
                    valid.append(chosen)
                    for b in _bits(chosen):
                        valid_with.setdefault(b, []).append(chosen)
                elif size < MAX_BUNDLE_SIZE:
                    fix &= ~chosen
                    while fix:
                        low = fix & -fix
                        fix ^= low
                        nxt = chosen | low
                        if nxt not in following:
                            following[nxt] = (have | cov[low], low)
            level = following
            size += 1
        minimal: list[int] = []
        for s in valid:  # by size: a superset of a valid set is never minimal
            if not any(t & s == t for t in minimal):
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
    rules = catalog.platform_rules
    return (rules["platform_user_family"] in committed
            and group.primary_device == rules["platform_user_device"])


def _candidates(catalog: Catalog, inputs: OrgInputs, group: Group, pricing: Any,
                family_members, committed: frozenset[str]) -> tuple[tuple[str, ...], dict[str, Reason]]:
    """Products one user of ``group`` may hold, and why each other product may not.

    ``pricing`` is a :class:`~planner.catalog.pricing.Pricing` or its memoised wrapper.
    """
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
            reason = Reason("sales_rule", "are with-Teams suites, sold since 2024-04-01 only to "
                            "customers that already hold one (new customers buy the (no Teams) "
                            "suite and Teams Enterprise)")
        if reason is None and no_full_usl and prod.kind == "suite" and prod.user_platform:
            reason = Reason("full_usl", "are Full USLs, which users already on the SA-covered "
                            "desktop platform do not take before the renewal (they move with a "
                            "Cloud Add-on to SA)")
        if reason is None and prod.is_step_up:
            missing = [s for s in prod.step_from if s not in running_ids]
            if missing:
                reason = Reason("step_up_source", "step up an existing licence, and the group "
                                f"holds no running {', '.join(missing)}")
            elif pricing.buy_price(pid) is None:
                reason = Reason("no_price", f"have no price in price list {pricing.price_list.id}")
        elif reason is None and pid not in held_ids and pricing.buy_price(pid) is None:
            reason = (Reason("not_available", NOT_AVAILABLE) if not prod.available
                      else Reason("agreement", f"are not sold under a {agreement} agreement")
                      if not prod.sold_under(agreement)
                      else Reason("no_price", f"have no price in price list {pricing.price_list.id}"))
        if reason is None and prod.family and pid not in fam_allowed:
            reason = (Reason("platform_family", "are not used: the organization's platform has "
                             f"another {prod.family} product")
                      if family_members.get(prod.family) else
                      Reason("midterm", "are Enterprise Products, which an Enterprise Agreement "
                             "adds only at renewal or in a new enrollment, not mid-term"))
        if reason:
            why_not[pid] = reason
        else:
            cands.append(pid)
    return tuple(cands), why_not


def _shortfall(catalog: Catalog, group: Group, need: str, reason: str, code: str | None,
               **values: str) -> Shortfall:
    """A shortfall with the catalog's closest fix for ``code`` (rules/fixes.csv) filled in."""
    fix = catalog.fix_for(code, need) if code else None
    if fix is None:
        return Shortfall(group.name, need, reason, code=code)
    return Shortfall(group.name, need, reason, fix.fix.format(**values),
                     fix.change.format(**values) or None, code)


def _blocked_shortfalls(group: Group, blocked: dict[str, str], catalog: Catalog) -> list[Shortfall]:
    """Needs the group's devices rule out whatever it holds, each with its fix."""
    out = []
    for need, reason in blocked.items():
        cap = catalog.capabilities[need]
        if cap.condition == "qualifying_os" and not group.qualifying_os:
            out.append(_shortfall(catalog, group, need, f"{need} {reason}", cap.condition))
            continue
        limit = cap.install_limit or 0  # blocked without the OS condition: an install limit
        kind = next(k for k in cap.install_kinds if group.devices_of_kind(k) > limit)
        per_kind = (group.pcs_per_user, group.tablets_per_user, group.phones_per_user)
        column = "devices_per_user" if all(v is None for v in per_kind) else f"{kind}s_per_user"
        out.append(_shortfall(catalog, group, need, f"{need} {reason}", "install_limit",
                              limit=str(limit), kind_column=column))
    return out


def _shortfalls(catalog: Catalog, group: Group, needs, cands, why_not, agreement) -> list[Shortfall]:
    """Name the needs nothing eligible can provide, with the blocking rule and a fix."""
    out = []
    for need in needs:
        providers = [p for p in catalog.product_ids if need in catalog.provides(p, agreement)]
        if any(p in cands for p in providers):
            continue
        codes = {why_not[p].code for p in providers if p in why_not}
        by_reason: dict[str, list[str]] = {}
        for p in providers:
            if p in why_not:
                by_reason.setdefault(why_not[p].text, []).append(p)
        values = {}
        elsewhere = sorted(p for p in catalog.product_ids for agr in AGREEMENTS
                           if agr != agreement and need in catalog.provides(p, agr))
        if not providers and elsewhere:
            agreements = sorted({a for p, c, agr in catalog.conditional_rights if c == need for a in agr})
            by_reason[f"give it only under {'/'.join(agreements)} (not under {agreement})"] = \
                sorted(set(elsewhere))
            codes.add("agreement_right")
            values = {"agreements": "/".join(agreements), "first_agreement": agreements[0]}
        fixes = sorted((f.rank, c) for c in codes if (f := catalog.fix_for(c, need)))
        reason = "; ".join(f"{', '.join(ps)} {r}" for r, ps in by_reason.items()) or \
            "no catalog product provides it"
        out.append(_shortfall(catalog, group, need, reason, fixes[0][1] if fixes else None,
                              **values))
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
            codes = set()
            for q in catalog.product_ids:
                if q in why_not and req in catalog.provides(q, agreement):
                    by_reason.setdefault(why_not[q].text, []).append(q)
                    codes.add(why_not[q].code)
            reason = "; ".join([f"{p} needs {req} from another product, and no eligible product gives it"]
                               + [f"{', '.join(qs)} {r}" for r, qs in by_reason.items()])
            fixes = sorted((f.rank, c) for c in codes if (f := catalog.fix_for(c, req)))
            return _shortfall(catalog, group, ", ".join(needs), reason,
                              fixes[0][1] if fixes else None)
    return None


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
                     held: frozenset[str], agreement: str,
                     commitment: bool = False) -> tuple[str, ...]:
    """Drop candidates another candidate dominates: no dearer, same structure, covering
    at least the same relevant capabilities and serving as a base plan wherever it does.

    Relevant capabilities are the group's needs, the needs candidates require from
    another product and, under a platform commitment, the capabilities that cover a
    platform family (rules/platform_cover.csv). A held product is never dropped (its units may be sunk). A dominated
    product can only appear in bundles that the dominating one makes as valid and no
    dearer, so the optimum is unchanged; pruning keeps bundle enumeration small as the
    catalog grows.
    """
    relevant = set(needs) | (_cover_capabilities(catalog) if commitment else set())
    for p in cands:
        relevant |= catalog.product(p).requires_needs
    roles = _roles(catalog)
    order = {p: i for i, p in enumerate(catalog.product_ids)}
    info = {}
    for p in cands:
        prod = catalog.product(p)
        # a stand-in must bring no prerequisite of its own that the product lacks
        info[p] = (_structure(prod, catalog, commitment) + (prod.max_seats, prod.eligibility, prod.requires_products,
                                       prod.requires_needs),
                   catalog.provides(p, agreement) & relevant, roles.get(p, frozenset()),
                   _price_points(prices, p))
    kept = []
    for q in cands:
        shape_q, cover_q, roles_q, price_q = info[q]
        prod_q = catalog.product(q)
        dominated = False
        if q not in held and price_q[0] is not None and not prod_q.is_step_up:
            for p in cands:
                if p == q:
                    continue
                shape_p, cover_p, roles_p, price_p = info[p]
                if (shape_p == shape_q and _cheaper_everywhere(price_p, price_q, order[p] < order[q])
                        and cover_p >= cover_q and roles_p >= roles_q):
                    dominated = True
                    break
        if not dominated:
            kept.append(q)
    return tuple(kept)


def _price_points(prices, product: str) -> tuple[float | None, ...]:
    """``product``'s buy price at every price point of ``prices`` (a Pricing is one point)."""
    points = getattr(prices, "points", None)
    return points(product) if points is not None else (prices.buy_price(product),)


def _cheaper_everywhere(price_p: tuple[float | None, ...], price_q: tuple[float | None, ...],
                        first: bool) -> bool:
    """True when p costs less than q at every price point (ties: ``first``, p earlier in the
    catalog); a swap that holds at every point of a sweep is exact at each of them."""
    return all(a is not None and b is not None and (a < b or (a == b and first))
               for a, b in zip(price_p, price_q))


def _structure(prod: Product, catalog: Catalog, commitment: bool) -> tuple:
    """What a swap must keep equal for the model's org-level rules to be unaffected; under
    a platform commitment also whether the product makes its user qualified."""
    return (prod.kind, prod.family, prod.user_platform, prod.sa_backing, prod.step_from,
            prod.requires_families, prod.basis,
            commitment and catalog.enterprise_online_service(prod.id))


def _cover_capabilities(catalog: Catalog) -> frozenset[str]:
    """Every capability some rules/platform_cover.csv row names."""
    return frozenset(c for ways in catalog.platform_cover.values() for w in ways for c in w)


class _Swaps:
    """What the bundle pruning needs of prices, per product bit, for one planning point (or
    for every point of a price sweep: a swap then holds at every point, see
    :func:`enumerate_options`)."""

    def __init__(self, catalog: Catalog, enum: _Enumerator, prices, commitment: bool = False):
        self.enum = enum
        self.commitment = commitment
        ids = catalog.product_ids
        points = {p: _price_points(prices, p) for p in ids}
        price = {p: points[p][0] for p in ids}
        self.price = {enum.bit[p]: points[p] for p in ids}
        # Under a commitment a swap also keeps the capabilities that cover a family.
        cover = _cover_capabilities(catalog) if commitment else frozenset()
        shape = {p: (_structure(catalog.product(p), catalog, commitment),
                     catalog.provides(p, enum.agreement) & cover) for p in ids}
        # For each product bought at a price: the same-structure products no dearer to buy
        # (ties: earlier in the catalog), i.e. the swaps that leave the org-level rules alone.
        self.cheaper: dict[int, list[int]] = {}
        for i, p in enumerate(ids):
            if price[p] is None:
                continue
            self.cheaper[enum.bit[p]] = [
                enum.bit[q] for j, q in enumerate(ids)
                if q != p and shape[q] == shape[p] and _cheaper_everywhere(points[q], points[p], j < i)]
        self.pure = enum.mask(p for p in ids if _is_pure(catalog.product(p), price[p]))

    def drop_dominated(self, sets: list[int], held: int) -> list[int]:
        """Remove bundles a cheaper same-structure swap of one bought product also makes valid.

        A product the organization holds is never swapped away: its units may be sunk. A
        swap *to* a held product counts at that product's buy price: the holding may be too
        small for every user of the swapped bundle (a held but dearer product must not hide
        a cheaper bundle). Ties keep the bundle whose products come first in the catalog.
        """
        known = set(sets)
        kept = []
        for s in sets:
            rest = s & ~held
            dominated = False
            while rest and not dominated:
                low = rest & -rest
                rest ^= low
                dominated = any(not q & s and (s ^ low) | q in known for q in self.cheaper.get(low, ()))
            if not dominated:
                kept.append(s)
        return kept

    def cheapest_pure(self, sets: list[int], held: int) -> list[int]:
        """Sets that differ only in their pure products (see :func:`_is_pure`) differ in the
        model only in cost: for each impure part and per-user-platform flag (and, under a
        platform commitment, covered families and Enterprise Online Service flag) keep the cheapest
        (ties: catalog order). Exact: any plan using another of them costs no less. Over
        several price points, the cheapest at each point is kept."""
        pure_bits = self.pure & ~held
        enum = self.enum
        points = len(next(iter(self.price.values()), ()))
        best: list[dict[tuple, tuple]] = [{} for _ in range(points)]
        for s in sets:
            pure = s & pure_bits
            group = (s & ~pure, bool(s & enum.user_platform),
                     (enum.covers(s), bool(s & enum.eos)) if self.commitment else ())
            for k, chosen in enumerate(best):
                key = (round(sum(self.price[b][k] or 0.0 for b in _bits(pure)), 6), _indices(s))
                if group not in chosen or key < chosen[group][0]:
                    chosen[group] = (key, s)
        return list(dict.fromkeys(s for chosen in best for _, s in chosen.values()))


def _bits(mask: int) -> list[int]:
    """The single-bit masks of ``mask``, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low)
        mask ^= low
    return out


def _indices(mask: int) -> list[int]:
    """The bit positions of ``mask``, ascending (catalog order of a product set)."""
    return [b.bit_length() - 1 for b in _bits(mask)]


def _is_pure(prod: Product, buy_price: float | None) -> bool:
    """True when the model sees ``prod`` only through its cost (once it is not held):
    bought freely, per user, with no platform family, SA backing, step-up source or seat cap."""
    return not (prod.family or prod.sa_backing or prod.step_from or prod.max_seats
                or prod.basis != "user" or buy_price is None)


def _with_platform(bundle: int, enum: _Enumerator, family_members, missing,
                   cands: int) -> list[tuple[int, frozenset[str]]]:
    """Variants of ``bundle`` that also carry (some of) the ``missing`` platform families."""
    variants = []
    for mask in range(1, 2 ** len(missing)):
        fams = [f for i, f in enumerate(missing) if mask >> i & 1]
        choices = [[enum.bit[p] for p in family_members[f] if enum.bit[p] & cands] for f in fams]
        for picks in cartesian(*choices):
            variants.append((bundle | sum(set(picks)), frozenset(fams)))
    return variants


@dataclass(frozen=True)
class Owed:
    """The platform families a group's users owe under the enterprise-wide commitment:
    ``always`` whatever they hold (Qualified Devices, or a need that makes them Qualified
    Users); ``with_eos`` only when their bundle holds an Enterprise Online Service."""

    always: frozenset[str] = frozenset()
    with_eos: frozenset[str] = frozenset()
    online: bool = True

    def of(self, bundle: int, enum: _Enumerator) -> frozenset[str]:
        """The families a user holding ``bundle`` owes."""
        return self.always | self.with_eos if bundle & enum.eos else self.always


def owed_families(catalog: Catalog, group: Group, needs, held_families: frozenset[str],
                  user_families: frozenset[str], platform_agreement: bool,
                  on_platform: bool = False) -> Owed:
    """Who the enterprise-wide commitment reaches (rules/platform.csv, review R9a).

    A Qualified Device runs a qualifying OS or is used to access a VDI
    (``qualified_device_needs``); its user owes every held family. Otherwise a user owes
    the per-user families (``user_families``: held with a per-user product) when a need
    makes them a Qualified User (``qualified_user_needs``) or when they hold an
    Enterprise Online Service.

    Users on the running SA desktop platform do not stand in for a family with Full USLs
    of Enterprise Online Services before the renewal (``online=False``): like the suites,
    they move with Cloud Add-ons or a step-up to a per-user platform licence
    (rules/platform.csv ``full_usl_for_platform_users_midterm``).
    """
    if not platform_agreement or not held_families:
        return Owed()
    online = not on_platform
    device_needs = catalog.platform_list("qualified_device_needs")
    if group.qualifying_os or device_needs & set(needs):
        return Owed(always=held_families, online=online)
    if catalog.platform_list("qualified_user_needs") & set(needs):
        return Owed(always=user_families, online=online)
    return Owed(with_eos=user_families, online=online)


def _group_bundles(catalog: Catalog, enum: _Enumerator, swaps: _Swaps, needs, cands,
                   held_ids: frozenset[str], owed: Owed, family_members) -> list[Bundle]:
    """The sorted bundles of one group: minimal, undominated sets plus commitment variants."""
    held = enum.mask(held_ids)
    cand_mask = enum.mask(cands)

    def pruned(extra: frozenset[str]) -> list[int]:
        wanted = tuple(needs) + tuple(sorted(extra - set(needs)))
        sets = enum.bundles(wanted, cands)
        return swaps.cheapest_pure(swaps.drop_dominated(sets, held), held)

    sets: list[tuple[int, frozenset[str]]] = [(s, frozenset()) for s in pruned(frozenset())]
    owable = sorted(owed.always | owed.with_eos)
    if owable:
        # The enterprise-wide commitment: each owing user carries the family products or
        # Enterprise Online Services that stand in for them (rules/platform_cover.csv).
        extra: list[int] = []
        for k in range(1, 2 ** len(owable)):
            chosen = [f for i, f in enumerate(owable) if k >> i & 1]
            for ways in cartesian(*(enum.cover_sets[f] for f in chosen)):
                extra += pruned(frozenset().union(*ways))
        known = {s for s, _ in sets}
        for s in extra:
            if s not in known:
                known.add(s)
                member = {f for f in FAMILIES if s & enum.family[f]}
                stand_in = (enum.covers(s, owed.online) & owed.of(s, enum)) - member
                sets.append((s, frozenset(f"Enterprise Online Services for the {f}"
                                          for f in sorted(stand_in))))
        for s, f in list(sets):
            missing = sorted(owed.of(s, enum) - enum.covers(s, owed.online))
            for v, fams in _with_platform(s, enum, family_members, missing, cand_mask):
                if v not in known:
                    known.add(v)
                    sets.append((v, f | fams))
    bundles = []
    for s, fams in sets:
        prods = enum.products(s)
        bundles.append(Bundle(
            products=prods,
            families=frozenset(catalog.product(p).family for p in prods) - {""},
            covers=enum.covers(s, owed.online),
            owes=owed.of(s, enum),
            for_commitment=fams,
        ))
    bundles.sort(key=lambda b: (len(b.products), b.products))
    return bundles


def enumerate_options(inputs: OrgInputs, catalog: Catalog, pricing: Pricing,
                      also: Sequence[Pricing] = (), cover_variants: bool = False) -> Options:
    """Compliant, minimal bundles for every group (see module docstring).

    Parameters
    ----------
    inputs : OrgInputs
        The validated organization.
    catalog : Catalog
        Products and rules.
    pricing : Pricing
        Tells which products can be bought or are held and running at the planning date.
    also : sequence of Pricing, optional
        Further price points (a price sweep, :mod:`planner.model.reprice`) at which the
        options must be exact too. Three prunings read prices: ``prune_candidates`` and
        ``drop_dominated`` drop a product or bundle when a same-structure swap is no dearer,
        ``cheapest_pure`` keeps the cheapest pure variant. Over several points a swap counts
        only when it is no dearer at *every* point, and the cheapest pure variant of *each*
        point is kept. So at each point every bundle left out is left out by a rule that
        holds at that point, which is the single-point argument: the optimum, and the
        status quo (no held product is ever swapped away), are those of that point's own
        options. Everything else read from prices is whether a product can be bought at
        all, so the points must agree on that.
    cover_variants : bool
        Under a platform agreement, keep the bundles that differ only in the platform
        families they cover even when no platform is held (the prunings then distinguish
        them as under a commitment, which only keeps more bundles). The timeline's periods
        are planned with every platform as a possible holding, so a period's choice, when
        rebuilt for the organization as it stands then, may be one of these.

    Raises
    ------
    ValueError
        When the points of ``also`` differ from ``pricing`` in planning date or in which
        products can be bought.
    """
    agreement = inputs.org.agreement
    platform_agreement = agreement in catalog.platform_rules["platform_agreements"].split(";")
    family_members = _family_members(catalog, inputs, _Prices(pricing))
    held_families = frozenset(catalog.product(h.product).family for h in inputs.holdings) - {""}
    user_families = frozenset(catalog.product(h.product).family for h in inputs.holdings
                              if catalog.product(h.product).basis == "user") - {""}
    commitment = platform_agreement and (bool(held_families) or cover_variants)
    committed = frozenset(
        catalog.product(h.product).family for h in inputs.holdings
        if catalog.product(h.product).family and h.sa and pricing.running(h))
    enum = _Enumerator(catalog, agreement, family_members)
    prices = _Prices(pricing, also)
    if also and not all(p.on == pricing.on and p.at == pricing.at for p in also) or any(
            None in (pts := prices.points(p)) and any(x is not None for x in pts) for p in catalog.product_ids):
        raise ValueError("the price points must share the planning date and the products that can be bought")
    swaps = _Swaps(catalog, enum, prices, commitment)
    running = [pricing.running(h) for h in inputs.holdings]
    pooled = [hi for hi, h in enumerate(inputs.holdings) if h.group in (None, "")]
    assigned: dict[str, list[int]] = {}
    for hi, h in enumerate(inputs.holdings):
        if h.group not in (None, ""):
            assigned.setdefault(h.group, []).append(hi)
    # Groups alike in what decides their candidates and bundles share one computation:
    # the result depends on the group only through these keys (memoised, not approximated).
    cand_cache: dict[tuple, tuple[tuple[str, ...], dict[str, Reason]]] = {}
    bundle_cache: dict[tuple, list[Bundle]] = {}
    prune_cache: dict[tuple, tuple[str, ...]] = {}
    expanded: dict[tuple[str, ...], tuple[str, ...]] = {}
    org_users = sum(g.users for g in inputs.groups)
    result = []
    for group in inputs.groups:
        needs = expanded.get(group.needs)
        if needs is None:
            needs = expanded[group.needs] = catalog.expand_needs(group.needs)
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
            prune_cache[pkey] = prune_candidates(catalog, cands, needs, prices, held_ids, agreement,
                                                 commitment)
        usable = prune_cache[pkey]
        on_platform = (catalog.platform_rules.get("full_usl_for_platform_users_midterm", "Y") == "N"
                       and on_running_platform(catalog, group, committed))
        owed = owed_families(catalog, group, needs, held_families, user_families,
                             platform_agreement, on_platform)
        bkey = (needs, usable, held_ids, owed)
        if blocked:
            bundles = []
        else:
            if bkey not in bundle_cache:
                bundle_cache[bkey] = _group_bundles(catalog, enum, swaps, needs, usable, held_ids,
                                                    owed, family_members)
            bundles = list(bundle_cache[bkey])
        if bundles or group.users == 0:
            shortfalls = []
        elif blocked:
            shortfalls = _blocked_shortfalls(group, blocked, catalog)
        else:
            shortfalls = _shortfalls(catalog, group, needs, cands, why_not, agreement)
        result.append(GroupOptions(group, needs, bundles, owed, shortfalls, org_users))
    return Options(result, family_members, committed, platform_agreement)
