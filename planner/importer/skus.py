"""Microsoft licence identities: skuId (GUID), skuPartNumber and display names.

The identity table is the versioned SKU alias table of the catalog,
``catalog/tenant/sku_aliases.csv`` (``sku_id``, ``sku``, ``name``, ``language``,
``source``; its version and the Microsoft copy it was built from are in
``sku_aliases_version.csv``, see ``catalog/README.md``):

- rows with source ``microsoft-csv``: every product of Microsoft's "Product names and
  service plan identifiers for licensing" CSV, rebuilt by ``scripts/build_sku_table.py``;
- products that CSV lacks (E7, Agent 365, Entra Suite, Teams Enterprise ...), each with
  its source; ``sku_id`` is blank where no GUID is known;
- other spellings of display names (current admin-center names, localized names, with
  their ``language``); a blank ``sku`` records a name whose part number is unknown, so
  that ``+``-joined lists still split correctly.

Every identity resolves to one *key*: the normalised part number (:func:`part_key`), or
``#`` + the normalised name for a name without a known part number.
:mod:`planner.importer.products` maps keys to catalog products.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from planner.errors import CatalogError
from planner.importer.tables import read_table

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SPACE = re.compile(r"\s+")
_OTHER_SPACE = re.compile(r"[\t\n\r\f\v]")
_PLUS = re.compile(r"\s*\+\s*")
_PART = re.compile(r"[\s_]+")
ALIAS_COLUMNS = ("sku_id", "sku", "name", "language", "source")
VERSION_COLUMNS = ("table_version", "microsoft_csv_date", "microsoft_csv_products",
                   "microsoft_csv_bytes", "microsoft_csv_sha256", "microsoft_csv_copy",
                   "microsoft_csv_url")
MICROSOFT_SOURCE = "microsoft-csv"


def clean_text(value: object) -> str:
    """Text with Unicode compatibility forms folded (NBSP is a space), runs of whitespace
    collapsed and the ends stripped."""
    text = str(value)
    if text.isascii() and "  " not in text and not _OTHER_SPACE.search(text):
        return text.strip()  # the common case: nothing to fold
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def name_key(value: object) -> str:
    """Comparison key of a display name: cleaned, case-folded, `` + `` spaced uniformly."""
    return _PLUS.sub(" + ", clean_text(value)).casefold()


def part_key(value: object) -> str:
    """Comparison key of a skuPartNumber: cleaned, case-folded, without spaces and
    underscores (Microsoft's CSV spells some ids with stray spaces or NBSPs)."""
    return _PART.sub("", clean_text(value)).casefold()


def guid_key(value: object) -> str | None:
    """A skuId as lower-case GUID text, or None when ``value`` is not a GUID."""
    return _guid_text(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=65_536)
def _guid_text(value: str) -> str | None:
    # skuIds and service plan ids repeat on every user: parse each spelling once
    text = clean_text(value).lower().strip("{}")
    return text if GUID.fullmatch(text) else None


@dataclass
class Sku:
    """One licence product as Microsoft identifies it."""

    key: str
    part: str
    name: str
    guids: set[str] = field(default_factory=set)
    source: str = ""

    @property
    def label(self) -> str:
        """The part number, or the display name when no part number is known."""
        return self.part or self.name


def alias_rows() -> list[dict[str, str]]:
    """The rows of the shipped SKU alias table, English names first (the first name of a
    part number is its display name)."""
    rows = read_table("sku_aliases.csv", ALIAS_COLUMNS)
    return sorted(rows, key=lambda r: r["language"] != "en")


def alias_version() -> dict[str, str]:
    """The version row of the SKU alias table (``table_version``, ``microsoft_csv_date``
    ...)."""
    rows = read_table("sku_aliases_version.csv", VERSION_COLUMNS)
    if len(rows) != 1:
        raise CatalogError(f"catalog/tenant/sku_aliases_version.csv: {len(rows)} rows, expected 1")
    return rows[0]


class SkuTable:
    """Lookup of licence identities by GUID, part number and display name.

    Parameters
    ----------
    rows : list of dict, optional
        ``sku_id``, ``sku``, ``name`` and ``source`` per identity (a blank ``sku_id``:
        no GUID known; a blank ``sku``: a name whose part number is unknown); the
        shipped alias table by default.
    """

    def __init__(self, rows: list[dict[str, str]] | None = None):
        self.skus: dict[str, Sku] = {}
        self._by_guid: dict[str, str] = {}
        self._by_name: dict[str, set[str]] = {}
        self._split_cache: dict[str, tuple[tuple[frozenset[str], ...], tuple[str, ...]]] = {}
        self.max_parts = 1
        for row in alias_rows() if rows is None else rows:
            self.add(row.get("sku", ""), row.get("sku_id", ""), row.get("name", ""),
                     row.get("source", ""))

    def add(self, part: str, guid: str = "", name: str = "", source: str = "") -> str | None:
        """Record a product (a part number, its GUID and display name); returns its key."""
        part, name = clean_text(part), clean_text(name)
        key = part_key(part) if part else None
        if key is None:
            return self.add_name(name, "", source) if name else None
        sku = self.skus.get(key)
        if sku is None:
            sku = self.skus[key] = Sku(key, part, name or part, source=source)
        elif name and sku.name == sku.part:
            sku.name = name
        gid = guid_key(guid) if guid else None
        if gid:
            sku.guids.add(gid)
            self._by_guid.setdefault(gid, key)
        if name:
            self._index_name(name, key)
        return key

    def add_name(self, name: str, part: str = "", source: str = "") -> str | None:
        """Record another display name of the product ``part`` (blank: unknown part)."""
        name = clean_text(name)
        if not name:
            return None
        if part:
            key = part_key(part)
            if key not in self.skus:
                self.skus[key] = Sku(key, clean_text(part), name, source=source)
        else:
            key = "#" + name_key(name)
            self.skus.setdefault(key, Sku(key, "", name, source=source))
        self._index_name(name, key)
        return key

    def _index_name(self, name: str, key: str) -> None:
        self._by_name.setdefault(name_key(name), set()).add(key)
        self.max_parts = max(self.max_parts, name.count("+") + 1)
        self._split_cache.clear()

    def by_part(self, text: str) -> str | None:
        """Key of a known part number, or None."""
        key = part_key(text)
        return key if key in self.skus and self.skus[key].part else None

    def by_guid(self, text: str) -> str | None:
        """Key of a known skuId, or None."""
        gid = guid_key(text)
        return self._by_guid.get(gid) if gid else None

    def by_name(self, text: str) -> frozenset[str]:
        """Keys of the products called ``text`` (several when Microsoft reuses a name)."""
        return frozenset(self._by_name.get(name_key(text), ()))

    def split_names(self, value: str) -> tuple[tuple[frozenset[str], ...], tuple[str, ...]]:
        """Split a ``+``-joined list of display names by longest match.

        Some names contain `` + `` themselves ("Enterprise Mobility + Security E3"), so at
        each position the longest run of ``+``-separated pieces that is a known name wins.

        Returns
        -------
        names : tuple of frozenset
            For each name found, the keys of the products it may denote.
        unknown : tuple of str
            The pieces that are no known name, as written.
        """
        cached = self._split_cache.get(value)
        if cached is not None:
            return cached
        pieces = value.split("+")
        found: list[frozenset[str]] = []
        unknown: list[str] = []
        i = 0
        while i < len(pieces):
            if not pieces[i].strip():
                i += 1
                continue
            for j in range(min(len(pieces), i + self.max_parts), i, -1):
                keys = self._by_name.get(name_key("+".join(pieces[i:j])))
                if keys:
                    found.append(frozenset(keys))
                    i = j
                    break
            else:
                unknown.append(clean_text(pieces[i]))
                i += 1
        result = (tuple(found), tuple(unknown))
        self._split_cache[value] = result
        return result

    def label(self, key: str) -> str:
        """Part number (or name) of ``key`` for messages."""
        sku = self.skus.get(key)
        return sku.label if sku else key

    def name(self, key: str) -> str:
        """English display name of ``key``."""
        sku = self.skus.get(key)
        return sku.name if sku else key
