"""Recognise each input by its content and hand it to its format's reader.

CSV files are recognised by their header (see each reader's ``is_...`` predicate, tried
in :data:`CSV_FORMATS` order); JSON documents by the fields of their first object or their
``@odata.context``. A file in none of the formats is an error naming it; a usage report
planner does not use is a warning. Graph pages are checked for completeness: when every
page of a kind carries ``@odata.nextLink``, the last page is missing.
"""
from __future__ import annotations

from collections.abc import Callable

from planner.importer import admin_center, graph, intune, powershell, usage
from planner.importer.readers import Input, Problems, decode, is_json, read_csv, read_json
from planner.importer.tenant import Tenant

CSV_FORMATS: tuple[tuple[str, Callable, Callable], ...] = (
    ("PowerShell user export", powershell.is_user_csv, powershell.read_user_csv),
    ("admin center Active users export", admin_center.is_active_users_csv,
     admin_center.read_active_users),
    ("PowerShell SKU export", powershell.is_sku_csv, powershell.read_sku_csv),
    ("Intune device export", intune.is_device_csv, intune.read_device_csv),
    ("Microsoft 365 Apps usage report", usage.is_apps_report, usage.read_apps),
    ("Office activations report", usage.is_activations_report, usage.read_activations),
    ("mailbox usage report", usage.is_mailbox_report, usage.read_mailboxes),
    ("Copilot usage report", usage.is_copilot_report, usage.read_copilot),
    ("Office 365 active user detail report", usage.is_active_user_report,
     usage.read_active_users_report),
    ("OneDrive usage account detail report", usage.is_onedrive_report, usage.read_onedrive),
)
"""(what, header predicate, reader) of every CSV format, most specific first."""

JSON_READERS: dict[str, tuple[str, Callable]] = {
    "devices": ("Intune managed devices (JSON)", intune.read_device_json),
    "apps": ("Microsoft 365 Apps usage report (JSON)", usage.read_apps_json),
    "subscribed_skus": ("Graph subscribedSkus", graph.read_subscribed_skus),
    "subscriptions": ("Graph directory/subscriptions", graph.read_subscriptions),
    "users": ("Graph users", graph.read_users),
    "pstn_calls": ("Teams PSTN call log", usage.read_pstn_calls),
}
ACCEPTED = ("Graph JSON (subscribedSkus, directory/subscriptions, users, managedDevices, "
            "PSTN calls), PowerShell CSV (Get-MgSubscribedSku, Get-MgUser), the admin center "
            "Active users export, usage reports (Microsoft 365 Apps, activations, mailbox, "
            "Copilot, Office 365 active users, OneDrive) and the Intune device export; see "
            "docs/import.md")
USER_KINDS = ("admin center Active users export", "PowerShell user export", "Graph users")


def _json_kind(keys: frozenset[str], context: str) -> str | None:
    if intune.is_device_json(keys) or "manageddevices" in context.lower():
        return "devices"
    if {"userprincipalname", "details"} <= keys:
        return "apps"
    if usage.is_pstn_calls(keys):
        return "pstn_calls"
    return graph.json_kind(keys, context)


def _read_json_input(item: Input, text: str, tenant: Tenant, problems: Problems) -> None:
    doc = read_json(item.name, text, problems)
    if doc is None:
        return
    row = 0
    for page in graph.pages(doc):
        rows = [(row + n, obj) for n, obj in enumerate(page.items, start=1)]
        row += len(rows)
        if any(not isinstance(obj, dict) for _, obj in rows):
            problems.add(f"not a recognised export (JSON values that are not objects); "
                         f"accepted: {ACCEPTED}", item.name)
            return
        kind = _json_kind(frozenset(rows[0][1]) if rows else frozenset(), page.context)
        if kind == "license_details":
            problems.add("a licenseDetails response names no user", item.name,
                         hint="export GET /v1.0/users?$select=...,assignedLicenses instead")
            return
        if kind is None:
            if rows:
                problems.add(f"not a recognised export; accepted: {ACCEPTED}", item.name)
            else:
                problems.warn("JSON page with no objects and no @odata.context; ignored",
                              item.name)
            return
        what, reader = JSON_READERS[kind]
        tenant.files[item.name] = what
        tenant.pages.setdefault(kind, []).append((item.name, bool(page.next_link)))
        reader(rows, item.name, tenant, problems)


def _read_csv_input(item: Input, text: str, tenant: Tenant, problems: Problems) -> None:
    table = read_csv(item.name, text, problems)
    if table is None:
        return
    for what, matches, reader in CSV_FORMATS:
        if matches(table.keys):
            tenant.files[item.name] = what
            reader(table, tenant, problems)
            return
    unused = usage.unused_report(table.keys)
    if unused:
        problems.warn(f"recognised as the {unused} report, which planner does not use; ignored",
                      item.name)
    else:
        problems.add(f"not a recognised export (header: {', '.join(list(table.spelled.values())[:6])}"
                     f"{' ...' if len(table.spelled) > 6 else ''}); accepted: {ACCEPTED}",
                     item.name, row=1)


def read_inputs(inputs: list[Input], problems: Problems) -> Tenant:
    """Read every input into one :class:`~planner.importer.tenant.Tenant`.

    Raises nothing: every problem goes to ``problems``.
    """
    tenant = Tenant()
    for item in inputs:
        text = decode(item.data)
        if not text.strip():
            problems.add("empty file", item.name)
        elif is_json(text):
            _read_json_input(item, text, tenant, problems)
        else:
            _read_csv_input(item, text, tenant, problems)
    check_pages(tenant, problems)
    if inputs and not any(what in USER_KINDS for what in tenant.files.values()):
        problems.add("no users export among the inputs: give the Graph users pages, a "
                     "Get-MgUser CSV or the admin center Active users export",
                     hint="docs/import.md shows the commands that produce them")
    return tenant


def check_pages(tenant: Tenant, problems: Problems) -> None:
    """An error when every page of a paged Graph export promises a next page."""
    for kind, seen in tenant.pages.items():
        if seen and all(has_next for _, has_next in seen):
            problems.add(f"every page of this {JSON_READERS[kind][0]} export has "
                         "@odata.nextLink, so the last page is missing", seen[-1][0],
                         hint="follow @odata.nextLink until a page has none, and pass every page")
