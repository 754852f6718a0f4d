"""Regenerate catalog/service_plans.csv from Microsoft's licensing CSV.

Microsoft publishes "Product names and service plan identifiers for licensing" as a CSV
(one row per SKU and service plan). The catalog ships only the rows it uses: the SKUs of
catalog products and the service plans that define a capability. Run after editing
catalog/products.csv (sku) or catalog/capabilities.csv (service_plans)::

    python scripts/extract_service_plans.py "path/to/Product names and service plan identifiers for licensing.csv"
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "catalog"
SOURCE = ("Microsoft 'Product names and service plan identifiers for licensing' CSV "
          "(download.microsoft.com; copy committed 2025-12-30, licensing-facts §4.1 CSV) [P]")


def _norm(name: str) -> str:
    """Service plan names with tabs and repeated blanks folded (the CSV has some)."""
    return re.sub(r"\s+", " ", name).strip()


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def main(csv_path: str) -> int:
    with open(CATALOG / "products.csv", encoding="utf-8") as fh:
        skus = {s for row in csv.DictReader(fh) for s in _split(row["sku"])}
    with open(CATALOG / "capabilities.csv", encoding="utf-8") as fh:
        plans = {p for row in csv.DictReader(fh) for p in _split(row["service_plans"])}
    rows = set()
    with open(csv_path, encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            plan = _norm(r["Service_Plan_Name"])
            if r["String_Id"] in skus and plan in plans:
                rows.add((r["String_Id"], plan, r["Service_Plan_Id"], _norm(r["Product_Display_Name"])))
    out = CATALOG / "service_plans.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sku", "service_plan", "service_plan_id", "sku_name", "source"])
        for row in sorted(rows):
            w.writerow([*row, SOURCE])
    print(f"wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
