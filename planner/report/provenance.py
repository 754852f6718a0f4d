"""What a plan was made with: the tool version, the catalog version and the price list.

Shown on the plan's Summary so a reader can tell, months later, which planner, which
catalog data and which prices produced the numbers. The catalog version is the tool
version plus a digest of the shipped catalog files (any edit to a product, rule or
price changes it), unless the plan names one itself (``catalog_version``).
"""
from __future__ import annotations

import functools
import hashlib
from importlib import metadata, resources

DIGEST_CHARS = 12


def tool_version() -> str:
    """The installed planner's version, e.g. ``planner 0.1.0``."""
    try:
        version = metadata.version("planner")
    except metadata.PackageNotFoundError:  # running from a source tree
        from planner import __version__ as version
    return f"planner {version}"


@functools.cache
def catalog_digest() -> str:
    """First characters of the SHA-256 of every shipped catalog file (paths and bytes)."""
    root = resources.files("planner._catalog")
    digest = hashlib.sha256()
    for path in sorted(_files(root), key=lambda p: p[0]):
        digest.update(path[0].encode())
        digest.update(path[1].read_bytes())
    return digest.hexdigest()[:DIGEST_CHARS]


def _files(folder, prefix: str = ""):
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files(entry, f"{name}/")
        elif entry.name.endswith((".csv", ".md")):
            yield name, entry


def catalog_version(plan=None) -> str:
    """The catalog the plan was priced and checked with.

    Parameters
    ----------
    plan : planner.results.Plan, optional
        A plan carrying ``catalog_version`` names it; otherwise the shipped catalog's
        version is given.

    Returns
    -------
    str
        E.g. ``planner 0.1.0 catalog, data sha256 1a2b3c4d5e6f``.
    """
    named = getattr(plan, "catalog_version", None)
    if named:
        return str(named)
    return f"{tool_version()} catalog, data sha256 {catalog_digest()}"


def price_list_text(price_list_id: str, catalog=None) -> str:
    """A price list id with its effective date, currency and description.

    Parameters
    ----------
    price_list_id : str
        Catalog price list id (as on the plan).
    catalog : planner.catalog.load.Catalog, optional
        Where the list is described (the shipped catalog by default).

    Returns
    -------
    str
        E.g. ``us-list-2026-07 (USD, in force from 2026-07-01: US list prices ...)``;
        the bare id when the catalog does not know it.
    """
    if catalog is None:
        from planner.catalog.load import load_catalog

        catalog = load_catalog()
    price_list = catalog.price_lists.get(price_list_id)
    if price_list is None:
        return str(price_list_id or "")
    return (f"{price_list.id} ({price_list.currency}, in force from "
            f"{price_list.effective_date.isoformat()}: {price_list.description})")
