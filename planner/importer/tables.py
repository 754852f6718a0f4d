"""The importer's data tables, shipped in the catalog's ``tenant/`` folder.

``catalog/tenant/`` (installed as ``planner._catalog/tenant``) holds what ``planner
import`` knows about Microsoft's licence identifiers and its inference rules; catalog
products are never listed there. Every table is read at run time from the installed
package (no network) and checked for its columns.
"""
from __future__ import annotations

import csv
import io
from importlib import resources

from planner.errors import CatalogError


def read_table(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of ``catalog/tenant/<name>``.

    Raises
    ------
    planner.errors.CatalogError
        When the file is missing or its header is not ``columns``.
    """
    try:
        text = (resources.files("planner._catalog") / "tenant" / name).read_text(
            encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError(f"catalog/tenant/{name}: file missing") from None
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        raise CatalogError(f"catalog/tenant/{name}: columns are {', '.join(reader.fieldnames or ())}"
                           f", expected {', '.join(columns)}")
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]
