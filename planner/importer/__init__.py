"""``planner import``: build the organization workbook (ORG.xlsx) from a tenant's exports.

Modules, one job each:

- :mod:`~planner.importer.readers`: files and folders, decoding, CSV rows, JSON documents;
- :mod:`~planner.importer.detect`: recognise each input by content, dispatch to a reader;
- one reader per format: :mod:`~planner.importer.graph` (Graph JSON),
  :mod:`~planner.importer.powershell` (PowerShell CSV), :mod:`~planner.importer.admin_center`
  (Active users export), :mod:`~planner.importer.usage` (usage reports),
  :mod:`~planner.importer.intune` (device export);
- :mod:`~planner.importer.skus` (Microsoft's SKU identities and names),
  :mod:`~planner.importer.products` (SKU -> catalog product, from the catalog's data),
  :mod:`~planner.importer.licences` (users' licences -> SKUs);
- :mod:`~planner.importer.devices`, :mod:`~planner.importer.evidence` (needs, worker kind
  and devices per user), :mod:`~planner.importer.grouping` (personas),
  :mod:`~planner.importer.holdings`, :mod:`~planner.importer.findings`;
- :mod:`~planner.importer.build` (the whole import) and :mod:`~planner.importer.writer`.

Examples
--------
>>> from planner.importer import import_tenant, write_workbook   # doctest: +SKIP
>>> result = import_tenant(["exports/"], group_by="department")  # doctest: +SKIP
>>> write_workbook(result, "ORG.xlsx")                           # doctest: +SKIP
"""
from __future__ import annotations

from planner.importer.build import ImportResult, import_tenant
from planner.importer.writer import write_workbook

__all__ = ["ImportResult", "import_tenant", "write_workbook"]
