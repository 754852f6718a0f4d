"""``planner import``: tenant exports -> the organization workbook's content.

:func:`import_tenant` reads every source (files or folders, recognised by content),
resolves licences to catalog products, infers each user's needs and devices, groups users
into personas, derives holdings and findings, and returns an :class:`ImportResult` that
:func:`planner.importer.writer.write_workbook` writes as ORG.xlsx. Every problem is
collected first; if any is an error, :class:`~planner.errors.InputError` lists them all
and nothing is written.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planner.errors import InputError, Issue
from planner.importer.detect import read_inputs
from planner.importer.devices import DeviceIndex
from planner.importer.evidence import (
    EXCLUDED_INACTIVE,
    EXCLUDED_NO_NEEDS,
    ONPREM_REASON,
    Inference,
)
from planner.importer.feasibility import shortfalls
from planner.importer.findings import Finding, Pricer, build_findings
from planner.importer.grouping import GROUP_BY, Persona, group
from planner.importer.holdings import HoldingsResult, build_holdings, renewal_guess
from planner.importer.licences import NAME_HINT, UNKNOWN_NAME, load_aliases, resolve_licences
from planner.importer.products import ProductMap
from planner.importer.readers import Problems, collect
from planner.importer.skus import SkuTable, alias_version
from planner.importer.tenant import Tenant

DEFAULT_MIN_GROUP = 10
CONCEALED_HINT = ("turn off 'Display concealed user, group, and site names in all reports' "
                  "(admin center > Settings > Org settings > Reports) and export again")


@dataclass
class UnmappedRow:
    """One Unmapped row: a SKU or licence name with no catalog product."""

    sku: str
    sku_id: str
    name: str
    owned: int | None
    assigned: int | None
    users: int
    source: str
    note: str
    unknown_name: bool = False


@dataclass
class ImportResult:
    """Everything ORG.xlsx is written from."""

    as_of: date
    account: str | None
    agreement: str
    personas: list[Persona]
    holdings: HoldingsResult
    renewal: date | None
    findings: list[Finding]
    unmapped: list[UnmappedRow]
    notes: list[str]
    inputs: tuple[Path, ...]
    min_group_size: int = DEFAULT_MIN_GROUP
    warnings: list[Issue] = field(default_factory=list)
    tenant: Tenant | None = None

    @property
    def users(self) -> int:
        """Users in the personas (the demand)."""
        return sum(p.users for p in self.personas)


def import_tenant(sources: Sequence[str | os.PathLike], *, group_by: str = "department",
                  as_of: date | str | None = None, min_group_size: int = DEFAULT_MIN_GROUP,
                  aliases: str | os.PathLike | None = None, catalog: Any = None,
                  skip: tuple[str | os.PathLike, ...] = ()) -> ImportResult:
    """Read tenant exports and infer the organization.

    Parameters
    ----------
    sources : list of path-like
        Files or folders (searched recursively); each file is recognised by its content.
    group_by : str
        ``department``, ``usage`` or ``licences`` (see :mod:`planner.importer.grouping`).
    as_of : datetime.date or str, optional
        Planning date (a date or ``YYYY-MM-DD``) written to the workbook and used for list
        prices; today by default.
    min_group_size : int
        Personas with fewer users are folded into one "other ..." persona per need profile.
    aliases : path-like, optional
        A CSV of extra licence display names (``name``, ``sku``).
    catalog : planner.catalog.load.Catalog, optional
        The shipped catalog by default.
    skip : tuple of path-like
        Files never read as inputs (the output workbook).

    Returns
    -------
    ImportResult

    Raises
    ------
    planner.errors.InputError
        Listing every problem (file, row, column) when any is an error.
    """
    if group_by not in GROUP_BY:
        raise InputError(f"--group-by must be one of {', '.join(GROUP_BY)}, not '{group_by}'")
    if catalog is None:
        from planner.catalog.load import load_catalog

        catalog = load_catalog()
    try:
        as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of or date.today()
    except ValueError:
        raise InputError(Issue(f"--as-of '{as_of}' is not a date; use YYYY-MM-DD")) from None
    problems = Problems()
    paths = [Path(s) for s in sources]
    outputs = {Path(s).resolve() for s in skip}
    for path in paths:
        if path.is_file() and path.resolve() in outputs:
            raise InputError(Issue("refusing to write the output over the input file", path.name,
                                   hint="choose another name with -o"))
    inputs = collect(paths, tuple(Path(s) for s in skip), problems)
    table = SkuTable()
    if aliases is not None:
        load_aliases(Path(aliases), table, problems)
    tenant = read_inputs(inputs, problems) if inputs else Tenant()
    if not inputs and not problems.has_errors:
        problems.add("no input files")
    products = ProductMap(catalog, table)
    resolve_licences(tenant, table, products, problems)
    if problems.has_errors:
        raise InputError(problems.final())
    return _infer(tenant, table, products, catalog, problems, group_by=group_by, as_of=as_of,
                  min_group_size=min_group_size,
                  paths=tuple(paths) + tuple(i.path for i in inputs if i.path))


def _infer(tenant: Tenant, table: SkuTable, products: ProductMap, catalog: Any,
           problems: Problems, *, group_by: str, as_of: date, min_group_size: int,
           paths: tuple[Path, ...]) -> ImportResult:
    devices = DeviceIndex(tenant.devices)
    inference = Inference(catalog, tenant, products, devices, as_of)
    members = []
    excluded: Counter = Counter()
    idle: Counter = Counter()
    copilot_needs = set(inference.rules["copilot"].needs)
    for user in tenant.users.values():
        reason = inference.excluded(user)
        profile = None if reason else inference.profile(user)
        if reason or profile is None:
            excluded[reason or EXCLUDED_NO_NEEDS] += 1
            continue
        members.append((user, profile))
        if profile.copilot_idle:
            idle.update(p for p in profile.products
                        if catalog.items[p].provides & copilot_needs)
    for report in tenant.reports:
        if report.concealed:
            problems.warn(f"{report.concealed} of {report.rows} rows have concealed user names; "
                          "their evidence is applied to no user", report.file, hint=CONCEALED_HINT)
    personas = group(members, group_by, min_group_size, catalog)
    holdings = build_holdings(tenant, products, problems)
    findings = build_findings(tenant, table, products, inference, idle, Pricer(catalog, as_of))
    renewal = renewal_guess(holdings.rows)
    blocked = shortfalls(personas, holdings.rows, as_of, renewal, catalog)
    for persona in personas:
        persona.blocked = blocked.get(persona.name, [])
    if blocked:
        users = sum(p.users for p in personas if p.blocked)
        problems.warn(f"{len(blocked)} group{'s' if len(blocked) != 1 else ''} "
                      f"({users} user{'s' if users != 1 else ''}) cannot be licensed "
                      "by any catalog product mix; 'planner solve' will report them (each group's "
                      "notes say why): " + "; ".join(sorted(blocked)[:5])
                      + (" ..." if len(blocked) > 5 else ""))
    notes = _notes(tenant, inference, devices, holdings, renewal, excluded, members,
                   group_by, min_group_size)
    version = alias_version()
    unmapped = _unmapped(tenant, table, products, holdings, problems, version["table_version"])
    agreement, minimum = _agreement(personas, catalog)
    notes.insert(1, f"agreement {agreement} is assumed (EA when the Groups reach {minimum} users "
                    "or devices, the EA minimum, else CSP), and so are currency USD and list "
                    "prices: set agreement, discount_pct and negotiated Prices from the agreement.")
    notes.insert(2, f"Licences identified with planner's SKU alias table version "
                    f"{version['table_version']} (built from Microsoft's identifier CSV of "
                    f"{version['microsoft_csv_date']}).")
    unknown = [u for u in unmapped if u.unknown_name]
    if unknown:
        notes.append(f"{len(unknown)} licence name{'s' if len(unknown) != 1 else ''} unknown to that "
                     "table (see the Unmapped sheet): the users holding them are planned without "
                     "them; map the names with --aliases and import again.")
    return ImportResult(as_of, tenant.account, agreement, personas, holdings, renewal, findings,
                        unmapped, notes, paths,
                        min_group_size, warnings=problems.final(), tenant=tenant)


def _agreement(personas: list[Persona], catalog: Any) -> tuple[str, int]:
    """(EA when the demand reaches the catalog's EA minimum of users or devices, else CSP;
    that minimum)."""
    minimum = int(getattr(catalog, "platform_rules", {}).get("ea_minimum_size", 0) or 0)
    users = sum(p.users for p in personas)
    devices = sum(p.devices for p in personas)
    return ("EA" if max(users, devices) >= minimum else "CSP"), minimum


def _unmapped(tenant: Tenant, table: SkuTable, products: ProductMap, holdings: HoldingsResult,
              problems: Problems, table_version: str) -> list[UnmappedRow]:
    """Owned SKUs and users' licences that no catalog product stands for, unknown licence
    names among them; a licence found only on users (no SKU export names it) is also one
    warning line."""
    holders: Counter = Counter()
    first: dict[str, Any] = {}
    for user in tenant.users.values():
        for key in user.skus:
            if products.product(key) is None:
                holders[key] += 1
                first.setdefault(key, user)
    rows, seen = [], set()
    for sku in holdings.unmapped:
        seen.add(sku.key)
        rows.append(UnmappedRow(sku.part, sku.guid or "", table.name(sku.key), sku.enabled,
                                sku.consumed, holders.get(sku.key, 0), sku.file,
                                "owned; not planned (no catalog product)"))
    for key, n in sorted(holders.items(), key=lambda kv: table.label(kv[0]).casefold()):
        if key in seen:
            continue
        known, user = table.skus[key], first[key]
        users = f"{n} user{'s' if n != 1 else ''}"
        if known.source == UNKNOWN_NAME:
            problems.warn(f"unknown licence name '{known.name}' ({users}): not in planner's SKU "
                          f"alias table; left out (see the Unmapped sheet)", user.file, user.row,
                          user.column, hint=NAME_HINT)
            note = (f"unknown licence name: not in planner's SKU alias table (version "
                    f"{table_version}); its users are planned without it. If it is a "
                    "localized or renamed product, add it to an aliases file (--aliases, columns "
                    "name,sku) and import again, or import from Graph (skuIds)")
        else:
            problems.warn(f"licence {known.label} ({users}) has no catalog product; left out "
                          "(see the Unmapped sheet)", user.file, user.row, user.column)
            note = ("assigned to users; not planned (no catalog product)"
                    + ("" if known.part else "; part number unknown"))
        rows.append(UnmappedRow(known.part, min(known.guids, default=""), known.name, None, None,
                                n, "user licences", note, known.source == UNKNOWN_NAME))
    return rows


def _notes(tenant: Tenant, inference: Inference, devices: DeviceIndex, holdings: HoldingsResult,
           renewal: date | None, excluded: Counter, members: list, group_by: str,
           min_group_size: int) -> list[str]:
    """The Organization notes: every guess the analyst should review."""
    kinds = Counter(tenant.files.values())
    notes = ["Imported by 'planner import' from " + ", ".join(
        f"{n} {what}" if n > 1 else what for what, n in sorted(kinds.items())) + "."]
    if renewal:
        notes.append(f"renewal_date {renewal.isoformat()} is a guess: the subscription end date "
                     "holding the most units.")
    notes.append("Holdings: sa, paid_up and whether a seat is a Cloud Add-on to SA or a step-up "
                 "are not visible in the tenant; fill them in (on-premises licences too).")
    notes += holdings.notes
    if excluded:
        notes.append("Not in Groups: " + ", ".join(f"{n} ({why})" for why, n in
                                                   sorted(excluded.items())) + ".")
    judged = bool(tenant.activity) or any(u.sign_in_known for u in tenant.users.values())
    if excluded[EXCLUDED_INACTIVE]:
        notes.append(f"{excluded[EXCLUDED_INACTIVE]} users had no sign-in or activity in the "
                     f"{inference.inactive_days} days before {inference.reference.isoformat()} "
                     "(accounts and licences older than that): not demand; their licences are "
                     "on Findings: confirm before reclaiming.")
    elif not judged:
        notes.append("No Office 365 active user detail report and no signInActivity: inactive "
                     "users cannot be told apart and are counted as demand.")
    frontline = sum(1 for _, p in members if p.worker == "frontline")
    candidates = sum(1 for _, p in members if p.frontline_candidate)
    if frontline:
        missing = [what for what, seen in (("no mailbox usage report", tenant.has("mailbox")),
                                           ("no OneDrive usage report", tenant.has("onedrive")),
                                           ("no PSTN call log", tenant.has("pstn"))) if not seen]
        notes.append(f"{frontline} users are frontline because they hold a frontline plan: "
                     "confirm they meet the frontline definition"
                     + (f" ({', '.join(missing)}: the frontline limits on mailbox, OneDrive "
                        "and Teams Phone could not all be checked)" if missing else "") + ".")
    if candidates or devices.shared:
        notes.append(f"Frontline is only suggested, never asserted (screen size is in no export): "
                     f"{candidates} users enroll only phones or tablets; {devices.shared} shared "
                     "or userless devices are in the Intune export.")
    if not devices.present:
        notes.append("No Intune device export: primary_device windows_pro and devices_per_user 1 "
                     "are assumed for everyone.")
    for report in tenant.reports:
        if report.concealed:
            facts = "; ".join(f"{n} {what}" for what, n in report.facts.items())
            notes.append(f"{report.file}: {report.concealed} of {report.rows} rows have concealed "
                         f"user names and are not applied per user{' (' + facts + ')' if facts else ''}; "
                         + CONCEALED_HINT + ".")
    for name, rule in inference.rules.items():
        if rule.listed and not rule.needs and name not in ("kiosk_mailbox", "onprem_rights"):
            notes.append(f"evidence rule '{name}' not applied: the catalog has none of its needs.")
    onprem = sorted({e[0].removeprefix("need ") for _, p in members for e in p.evidence
                     if e[2] == ONPREM_REASON})
    if onprem:
        notes.append(f"On-premises rights ({', '.join(onprem)}) are in no group's needs: "
                     "on-premises server use is not visible in a tenant; add them to the groups "
                     "that use on-premises servers.")
    if group_by != "usage" and min_group_size > 1:
        notes.append(f"Personas under {min_group_size} users are folded into one 'other ...' "
                     "persona per need and device profile.")
    return notes
