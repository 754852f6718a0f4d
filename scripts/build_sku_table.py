"""Rebuild ``catalog/tenant/sku_aliases.csv`` from Microsoft's licensing identifier CSV.

Microsoft publishes "Product names and service plan identifiers for licensing" as a CSV
with one row per (product, service plan). ``planner import`` needs one row per product:
its skuId (GUID), skuPartNumber (String_Id) and English display name. This script reads
the CSV (UTF-8 with or without BOM, CRLF), normalises the known whitespace quirks (NBSP
and stray spaces inside String_Id and GUID values: Unicode NFKC, runs of whitespace
collapsed, ends stripped, GUIDs lower case) and rewrites the rows whose ``source`` is
``microsoft-csv``; every other row of the table (products the CSV lacks, other and
localized display names, each with its own source) is kept as it is, after them.

It also rewrites ``catalog/tenant/sku_aliases_version.csv``: the table version (today, or
``--version``), the date of the Microsoft copy (``--csv-date``, which the file itself does
not carry), its size, SHA-256 and number of products::

    python scripts/build_sku_table.py "Product names and service plan identifiers for licensing.csv" \
        --csv-date 2025-12-30 --copy "public mirror nubrixsecurity/zero-trust-assessment, commit 082295a"
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.importer.skus import (  # noqa: E402
    ALIAS_COLUMNS,
    MICROSOFT_SOURCE,
    VERSION_COLUMNS,
    clean_text,
)

TENANT = ROOT / "catalog" / "tenant"
COLUMNS = ("Product_Display_Name", "String_Id", "GUID")
URL = ("https://download.microsoft.com/download/e/3/e/e3e9faf2-f28b-490a-9ada-c6089a1fc5b0/"
       "Product%20names%20and%20service%20plan%20identifiers%20for%20licensing.csv")


def product_rows(csv_path: Path) -> list[dict[str, str]]:
    """One table row per distinct GUID of the Microsoft CSV, sorted by part number."""
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{csv_path.name}: missing columns {', '.join(missing)}")
        seen: dict[str, dict[str, str]] = {}
        for row in reader:
            guid = clean_text(row["GUID"]).lower()
            if guid and guid not in seen:
                seen[guid] = {"sku_id": guid, "sku": clean_text(row["String_Id"]),
                              "name": clean_text(row["Product_Display_Name"]),
                              "language": "en", "source": MICROSOFT_SOURCE}
    return sorted(seen.values(), key=lambda r: (r["sku"].casefold(), r["sku_id"]))


def hand_rows(path: Path) -> list[dict[str, str]]:
    """The rows of the current table that did not come from Microsoft's CSV."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["source"] != MICROSOFT_SOURCE]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    """A CSV with ``\\n`` line ends (the catalog's convention)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    """Rewrite the alias table and its version row; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="Microsoft's identifier CSV")
    parser.add_argument("--csv-date", required=True, type=date.fromisoformat,
                        help="date of that copy of the CSV (YYYY-MM-DD)")
    parser.add_argument("--copy", default="", help="where that copy was taken from")
    parser.add_argument("--version", default=date.today().isoformat(),
                        help="table version (default: today)")
    parser.add_argument("--tenant-dir", type=Path, default=TENANT,
                        help="the folder of the tables (default: catalog/tenant)")
    args = parser.parse_args(argv)
    out = args.tenant_dir / "sku_aliases.csv"
    rows = product_rows(args.csv)
    kept = hand_rows(out)
    write_csv(out, ALIAS_COLUMNS, rows + kept)
    data = args.csv.read_bytes()
    write_csv(args.tenant_dir / "sku_aliases_version.csv", VERSION_COLUMNS, [{
        "table_version": args.version, "microsoft_csv_date": args.csv_date.isoformat(),
        "microsoft_csv_products": str(len(rows)), "microsoft_csv_bytes": str(len(data)),
        "microsoft_csv_sha256": hashlib.sha256(data).hexdigest(),
        "microsoft_csv_copy": args.copy, "microsoft_csv_url": URL}])
    print(f"wrote {out}: {len(rows)} products from {args.csv.name} "
          f"and {len(kept)} other rows kept; version {args.version}")


if __name__ == "__main__":
    main()
