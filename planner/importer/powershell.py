"""CSV files written by PowerShell from the Graph and MSOnline cmdlets.

- SKUs: ``Get-MgSubscribedSku`` flattened the way community scripts do it
  (``SkuPartNumber, SkuId, ActiveUnits, WarningUnits, ConsumedUnits``, optionally
  ``LicenseName``), or the MSOnline ``Get-MsolAccountSku`` columns (``AccountSkuId``
  = ``tenant:PARTNUMBER``, ``ActiveUnits, WarningUnits, ConsumedUnits``). A naive
  ``Export-Csv`` writes ``Microsoft.Graph.PowerShell.Models...`` type names instead of the
  counts: that is an error with the fix.
- Users: ``Get-MgUser`` with ``UserPrincipalName, AccountEnabled`` and a licence column
  (``AssignedLicenses``, ``Licenses``, ``SkuPartNumber(s)`` or ``SkuId(s)``) listing part
  numbers, skuIds or display names separated by ``;``, ``,`` or ``|``; optional
  ``Department, JobTitle, UsageLocation, UserType``.
"""
from __future__ import annotations

import re

from planner.importer.readers import CsvTable, Problems
from planner.importer.skus import clean_text, guid_key
from planner.importer.tenant import LicenceRef, OwnedSku, Tenant, make_user, user_cells
from planner.importer.values import RowCheck, count, powershell_object

ENABLED = ("activeunits", "enabledunits", "prepaidunitsenabled", "enabled")
WARNING = ("warningunits", "prepaidunitswarning", "warning")
SUSPENDED = ("suspendedunits", "prepaidunitssuspended", "suspended")
LOCKED = ("lockedoutunits", "prepaidunitslockedout", "lockedout")
LICENCES = ("assignedlicenses", "licenses", "licences", "skupartnumbers", "skupartnumber",
            "skuids", "skuid")
FLATTEN_HINT = ("flatten the counts, e.g. Select-Object SkuPartNumber, SkuId, "
                "@{n='ActiveUnits';e={$_.PrepaidUnits.Enabled}}, ConsumedUnits, "
                "or use ConvertTo-Json -Depth 5")
LICENCE_HINT = ("flatten the licences, e.g. @{n='SkuIds';e={($_.AssignedLicenses.SkuId) -join ';'}}, "
                "or use ConvertTo-Json -Depth 5")
_SEPARATORS = re.compile(r"[;,|]")


def is_sku_csv(keys: frozenset[str]) -> bool:
    """A flattened Get-MgSubscribedSku or Get-MsolAccountSku export."""
    return bool({"skupartnumber", "accountskuid"} & keys) and \
        bool(set(ENABLED + ("prepaidunits", "consumedunits")) & keys)


def is_user_csv(keys: frozenset[str]) -> bool:
    """A Get-MgUser export with a licence column."""
    return {"userprincipalname", "accountenabled"} <= keys and bool(set(LICENCES) & keys)


def read_sku_csv(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Owned SKUs from a PowerShell SKU export."""
    enabled_col = table.first(*ENABLED)
    if enabled_col is None:
        if "prepaidunits" in table.keys:
            cells = [table.cell(c, "prepaidunits") for _, c in table.rows]
            if any(powershell_object(c) for c in cells):
                problems.add("PrepaidUnits holds a PowerShell type name, not the counts",
                             table.file, 2, table.column("prepaidunits"), FLATTEN_HINT)
                return
        problems.add("missing column with the owned units (ActiveUnits or Enabled)",
                     table.file, 1, hint=FLATTEN_HINT)
        return
    part_col = table.first("skupartnumber", "accountskuid")
    columns = {name: table.first(*keys) for name, keys in
               (("warning", WARNING), ("suspended", SUSPENDED), ("locked", LOCKED))}
    for row, cells in table.rows:
        check = RowCheck(problems, table.file, row)
        part = table.cell(cells, part_col)
        if part_col == "accountskuid":
            part = part.split(":", 1)[-1]
        if not part:
            check.fail("missing SKU part number", table.column(part_col))
        units = {name: check.value(count, table.cell(cells, col), table.column(col), default=0)
                 for name, col in (("enabled", enabled_col), *columns.items())}
        consumed = check.value(count, table.cell(cells, "consumedunits"),
                               table.column("consumedunits"))
        if check.ok:
            tenant.skus.append(OwnedSku(
                part=clean_text(part), guid=guid_key(table.cell(cells, "skuid")),
                enabled=units["enabled"], warning=units["warning"],
                suspended=units["suspended"], locked_out=units["locked"], consumed=consumed,
                status=clean_text(table.cell(cells, "capabilitystatus") or "Enabled"),
                applies_to=clean_text(table.cell(cells, "appliesto") or "User"),
                subscription_ids=(), file=table.file, row=row))


def read_user_csv(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Users and their licences from a PowerShell user export."""
    licence_col = table.first(*LICENCES)
    for row, cells in table.rows:
        check, upn, enabled = user_cells(table, row, cells, problems, "accountenabled")
        raw = table.cell(cells, licence_col)
        if powershell_object(raw):
            check.fail("the licence column holds a PowerShell type name, not the licences",
                       table.column(licence_col), LICENCE_HINT)
        if not check.ok:
            continue
        tokens = tuple(clean_text(t) for t in _SEPARATORS.split(raw) if t.strip())
        tenant.add_user(make_user(
            upn, enabled, table.cell(cells, "usertype"), table.cell(cells, "department"),
            table.cell(cells, "jobtitle"),
            table.cell(cells, "usagelocation") or table.cell(cells, "country"),
            LicenceRef("tokens", tokens), "powershell", table.file, row,
            table.column(licence_col)), problems)
