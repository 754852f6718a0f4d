"""Resolve every user's licences, as written, to SKU keys.

Runs once every file is read, so that the tenant's own SKUs (``subscribedSkus`` and
``directory/subscriptions``) are known first: they add SKUs newer than the shipped table
and decide between SKUs that share a display name. A skuId in no export and not in the
table, or a display name that several SKUs of different catalog products share, is an
error, reported once per distinct value with its first location and how many users carry
it. A licence *name* that is no known name (typically a localized admin-center name the
alias table lacks) is recorded as a licence without a part number and without a catalog
product (source :data:`UNKNOWN_NAME`): the import goes on, and the Unmapped sheet lists it
with the users holding it and how to map it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from planner.importer.products import ProductMap
from planner.importer.readers import Problems
from planner.importer.skus import SkuTable
from planner.importer.tenant import Tenant, User

GUID_HINT = "add the subscribedSkus export: it names every SKU the tenant owns"
NAME_HINT = ("map it in an aliases file (--aliases, columns name,sku) or import from Graph, "
             "which identifies licences by skuId")
UNKNOWN_NAME = "unknown licence name"


@dataclass
class _Unresolved:
    message: str
    hint: str
    first: User
    users: set[str] = field(default_factory=set)


class Resolver:
    """Turns :class:`~planner.importer.tenant.LicenceRef` values into SKU keys."""

    def __init__(self, tenant: Tenant, table: SkuTable, products: ProductMap):
        self.table, self.products = table, products
        for sku in tenant.skus:
            sku.key = table.add(sku.part, sku.guid or "") or ""
        for sub in tenant.subscriptions:
            if sub.part:
                table.add(sub.part, sub.guid or "")
        self.owned = frozenset(s.key for s in tenant.skus)
        self.unresolved: dict[str, _Unresolved] = {}

    def _miss(self, user: User, value: str, message: str, hint: str) -> None:
        entry = self.unresolved.setdefault(value, _Unresolved(message, hint, user))
        entry.users.add(user.upn)

    def _pick(self, user: User, name: str, keys: frozenset[str]) -> str | None:
        """One SKU for a display name that several SKUs share."""
        if len(keys) == 1:
            return next(iter(keys))
        owned = keys & self.owned
        if len(owned) == 1:
            return next(iter(owned))
        if len({self.products.product(k) for k in keys}) == 1:
            return min(keys)
        labels = ", ".join(sorted(self.table.label(k) for k in keys))
        self._miss(user, f"name:{name}", f"licence name '{name}' may be any of {labels}",
                   GUID_HINT if not self.owned else NAME_HINT)
        return None

    def _names(self, user: User, value: str) -> set[str]:
        found, unknown = self.table.split_names(value)
        keys = {k for alts in found if (k := self._pick(user, self.table.name(min(alts)), alts))}
        for piece in unknown:
            key = self.table.add_name(piece, "", UNKNOWN_NAME)
            if key:
                keys.add(key)
        return keys

    def _token(self, user: User, token: str) -> set[str]:
        key = self.table.by_guid(token) or self.table.by_part(token)
        if key:
            return {key}
        alts = self.table.by_name(token)
        if alts:
            picked = self._pick(user, token, alts)
            return {picked} if picked else set()
        return self._names(user, token)

    def resolve(self, user: User) -> frozenset[str]:
        """The SKU keys of one user (unresolvable values are recorded)."""
        ref, keys = user.licences, set()
        values = ref.values
        if ref.kind == "guids":
            known = {v.lower() for v in values}
            values += tuple(g for g in user.assignments if g not in known)
        for value in values:
            if ref.kind == "guids":
                key = self.table.by_guid(value)
                if key:
                    keys.add(key)
                else:
                    self._miss(user, f"guid:{value.lower()}",
                               f"unknown skuId {value}: in no SKU export and not in "
                               "planner's SKU table", GUID_HINT)
            elif ref.kind == "names":
                keys |= self._names(user, value)
            else:
                keys |= self._token(user, value)
        return frozenset(keys)

    def report(self, problems: Problems) -> None:
        """One error per distinct unresolved value."""
        for entry in self.unresolved.values():
            more = len(entry.users) - 1
            tail = f" (and {more} more user{'s' if more != 1 else ''})" if more else ""
            problems.add(entry.message + tail, entry.first.file, entry.first.row,
                         entry.first.column, entry.hint)


def _apply_assignments(user: User, table: SkuTable) -> None:
    """Move licences not in effect from ``skus`` to ``errored`` and record the disabled
    service plans and group assignments by SKU key."""
    if not user.assignments:
        return
    skus, group = set(user.skus), set()
    for guid, state in user.assignments.items():
        key = table.by_guid(guid)
        if key is None:
            continue
        if not state.active:
            skus.discard(key)
            user.errored[key] = state.error or "Error"
        elif state.disabled_plans:
            user.disabled[key] = state.disabled_plans
        if state.by_group:
            group.add(key)
    user.skus, user.by_group = frozenset(skus), frozenset(group)


def resolve_licences(tenant: Tenant, table: SkuTable, products: ProductMap,
                     problems: Problems) -> None:
    """Fill ``skus`` (the licences in effect), ``errored``, ``disabled`` and ``by_group``
    on every user of ``tenant``."""
    resolver = Resolver(tenant, table, products)
    for user in tenant.users.values():
        user.skus = resolver.resolve(user)
        _apply_assignments(user, table)
    resolver.report(problems)


def load_aliases(path, table: SkuTable, problems: Problems) -> None:
    """Add the display names of an aliases CSV (``name``, ``sku``: a part number, a skuId
    or blank) to ``table``."""
    from planner.importer.readers import decode, read_csv

    name = path.name
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        problems.add(f"cannot read the aliases file: {exc.strerror or exc}", name)
        return
    csv_table = read_csv(name, text, problems)
    if csv_table is None:
        return
    missing = [c for c in ("name", "sku") if c not in csv_table.keys]
    if missing:
        problems.add(f"aliases file lacks the column(s) {', '.join(missing)}", name, 1,
                     hint="columns: name, sku")
        return
    for row, cells in csv_table.rows:
        alias, sku = csv_table.cell(cells, "name"), csv_table.cell(cells, "sku")
        if not alias:
            problems.add("missing name", name, row, csv_table.column("name"))
            continue
        key = table.by_guid(sku) if sku else None
        table.add_name(alias, table.skus[key].part if key else sku, f"aliases file {name}")
