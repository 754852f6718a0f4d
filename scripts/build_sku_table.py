"""Regenerate ``planner/importer/data/skus.csv`` from Microsoft's licensing identifier CSV.

Microsoft publishes "Product names and service plan identifiers for licensing" as a CSV
with one row per (product, service plan). The importer needs one row per product: its
skuId (GUID), skuPartNumber (String_Id) and English display name. This script reads the
CSV (UTF-8 with or without BOM, CRLF), normalises the known whitespace quirks (NBSP and
stray spaces inside String_Id and GUID values) and writes the product table sorted by
part number. Run it when Microsoft updates the CSV, then update ``data/README.md`` with
the copy's date and SHA-256::

    python scripts/build_sku_table.py "Product names and service plan identifiers for licensing.csv"
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.importer.skus import clean_text

OUT = ROOT / "planner" / "importer" / "data" / "skus.csv"
COLUMNS = ("Product_Display_Name", "String_Id", "GUID")


def product_rows(csv_path: Path) -> list[tuple[str, str, str]]:
    """(sku_id, sku, name) per distinct GUID of the Microsoft CSV, sorted by part number."""
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{csv_path.name}: missing columns {', '.join(missing)}")
        seen: dict[str, tuple[str, str, str]] = {}
        for row in reader:
            guid = clean_text(row["GUID"]).lower()
            if guid and guid not in seen:
                seen[guid] = (guid, clean_text(row["String_Id"]),
                              clean_text(row["Product_Display_Name"]))
    return sorted(seen.values(), key=lambda r: (r[1].casefold(), r[0]))


def main() -> None:
    """Write the product table and print the input's SHA-256 for the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="Microsoft's identifier CSV")
    args = parser.parse_args()
    rows = product_rows(args.csv)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("sku_id", "sku", "name"))
        writer.writerows(rows)
    digest = hashlib.sha256(args.csv.read_bytes()).hexdigest()
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} products from {args.csv.name} "
          f"(SHA-256 {digest})")


if __name__ == "__main__":
    main()
