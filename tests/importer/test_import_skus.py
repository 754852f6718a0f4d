"""The SKU identity table: normalisation, name splitting, catalog mapping."""
from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

from tenant_helpers import product_of

from planner.importer.products import ProductMap
from planner.importer.skus import MICROSOFT_SOURCE, SkuTable, alias_rows, alias_version, part_key

LIVE = ("MICROSOFT INTUNE SUITE+ENTERPRISE MOBILITY + SECURITY E5+MICROSOFT DEFENDER FOR ENDPOINT P2"
        "+WINDOWS 10/11 ENTERPRISE E3+MICROSOFT POWER AUTOMATE FREE+MICROSOFT 365 E5+POWER BI PRO"
        "+POWER BI PREMIUM PER USER+MICROSOFT FABRIC (FREE)+AGENT 365"
        "+MICROSOFT COPILOT STUDIO USER LICENSE")
"""A live 'Assigned Products' value (rknightion/graph2otel testdata, 2026-07)."""


def test_table_holds_every_product_of_the_microsoft_csv_and_the_extras():
    table = SkuTable()
    real = [s for s in table.skus.values() if s.part]
    assert len(real) >= 569 + 9 - 1  # 569 GUIDs, MCOPSTN5 twice, 9 extras
    assert table.by_part("SPE_E3") == part_key("SPE_E3")
    assert table.by_guid("05E9A617-0261-4CEE-BB44-138D3EF5D965") == part_key("SPE_E3")
    assert table.by_part("MICROSOFT_365_E7") and table.by_part("Microsoft_365_E7")


def test_dirty_ids_of_the_microsoft_csv_resolve_from_their_clean_spelling():
    table = SkuTable()
    # The CSV writes these with NBSPs or stray spaces; tenants may not.
    assert table.by_part("O365_w/o Teams Bundle_M3") == table.by_part("O365_w/o\xa0Teams\xa0Bundle_M3")
    assert table.by_part("MCOCAP_FACULTY") is not None
    assert table.by_part("Microsoft_365_Business_Premium_(no_Teams)") is not None
    assert table.by_part("AAD_PREMIUM_USGOV_GCCHIGH") is not None


def test_plus_joined_names_split_by_longest_match():
    table = SkuTable()
    found, unknown = table.split_names(LIVE)
    assert unknown == ()
    assert len(found) == 11
    labels = [sorted(table.label(k) for k in alts) for alts in found]
    assert ["EMSPREMIUM"] in labels          # not split at its inner ' + '
    assert ["WIN10_PRO_ENT_SUB", "WIN10_VDA_E3"] in labels  # one name, two SKUs
    found, unknown = table.split_names("Enterprise Mobility + Security E3+Microsoft 365 E3")
    assert [sorted(table.label(k) for k in alts) for alts in found] == [["EMS"], ["SPE_E3"]]


def test_localized_and_unknown_names():
    table = SkuTable()
    found, unknown = table.split_names(
        "Visio Plan 2+Microsoft Power Automate Free+Microsoft 365 Empresa Estándar+Nombre Raro")
    assert [table.label(min(a)) for a in found] == ["VISIOCLIENT", "FLOW_FREE", "O365_BUSINESS_PREMIUM"]
    assert unknown == ("Nombre Raro",)
    assert table.label(min(table.by_name("office 365 a1 dla nauczycieli lub wykładowców"))) == \
        "STANDARDWOFFPACK_FACULTY"


def test_catalog_skus_map_to_their_products_and_same_named_skus_follow(catalog):
    table = SkuTable()
    products = ProductMap(catalog, table)
    e3 = product_of(catalog, "SPE_E3")
    assert products.product(part_key("SPE_E3")) == e3 and products.how(part_key("SPE_E3")) == "catalog sku"
    # M365_F1 is not the catalog's SKU, but Microsoft names it like M365_F1_COMM.
    assert products.product(part_key("M365_F1")) == product_of(catalog, "M365_F1_COMM")
    assert products.product(part_key("M365_Copilot")) == product_of(catalog, "Microsoft_365_Copilot")
    assert "same Microsoft product name" in products.how(part_key("M365_Copilot"))
    assert products.product(part_key("POWERAPPS_PER_USER")) is None


def test_every_catalog_sku_is_in_the_table(catalog):
    table = SkuTable()
    for pid, product in catalog.items.items():
        for sku in filter(None, (product.sku or "").split(";")):
            assert table.by_part(sku), f"{pid}: SKU {sku} missing from catalog/tenant/sku_aliases.csv"


def test_every_alias_row_has_a_source_and_every_localized_name_one_known_product():
    rows = alias_rows()
    assert all(r["source"] and r["language"] and r["name"] for r in rows)
    microsoft = [r for r in rows if r["source"] == MICROSOFT_SOURCE]
    assert int(alias_version()["microsoft_csv_products"]) == len(microsoft)
    products = {part_key(r["sku"]) for r in rows if r["language"] == "en" and r["sku"]}
    table = SkuTable()
    localized = [r for r in rows if r["language"] != "en"]
    assert len({r["language"] for r in localized}) >= 8
    for row in localized:
        keys = table.by_name(row["name"])
        assert keys == {part_key(row["sku"])}, row["name"]     # one SKU, never ambiguous
        assert part_key(row["sku"]) in products, row["sku"]     # a product of the table


def test_the_alias_table_is_versioned_by_its_date_and_the_microsoft_copy():
    version = alias_version()
    date.fromisoformat(version["table_version"])
    assert date.fromisoformat(version["microsoft_csv_date"]) <= date.fromisoformat(
        version["table_version"])
    assert len(version["microsoft_csv_sha256"]) == 64 and version["microsoft_csv_url"]


def test_build_script_normalises_the_csv_quirks_and_keeps_the_hand_rows(tmp_path):
    build = _script("build_sku_table")
    tenant = tmp_path / "tenant"
    tenant.mkdir()
    (tenant / "sku_aliases.csv").write_text(
        "sku_id,sku,name,language,source\n"
        "old-guid,OLD,Old product,en,microsoft-csv\n"
        ",SPE_E3,Microsoft 365 E3 (Empresa),es,a hand row\n", encoding="utf-8")
    csv_path = tmp_path / "ms.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + (
        "Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,"
        "Service_Plans_Included_Friendly_Names\r\n"
        "Microsoft 365 E3,SPE_E3,05E9A617-0261-4CEE-BB44-138D3EF5D965,P1,x,Plan one\r\n"
        "Microsoft 365 E3,SPE_E3,05E9A617-0261-4CEE-BB44-138D3EF5D965,P2,y,Plan two\r\n"
        "Skype  for Business PSTN Calling,MCOCAP_FACULTY\xa0,"
        "a1b2c3d4-0000-4000-8000-000000000001\xa0,P3,z,Plan three\r\n").encode("utf-8"))
    build.main([str(csv_path), "--csv-date", "2026-01-15", "--version", "2026-02-01",
                "--tenant-dir", str(tenant)])
    with open(tenant / "sku_aliases.csv", encoding="utf-8") as fh:
        rows = [(r["sku_id"], r["sku"], r["name"], r["source"]) for r in csv.DictReader(fh)]
    assert rows == [
        ("a1b2c3d4-0000-4000-8000-000000000001", "MCOCAP_FACULTY",
         "Skype for Business PSTN Calling", "microsoft-csv"),
        ("05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", "Microsoft 365 E3", "microsoft-csv"),
        ("", "SPE_E3", "Microsoft 365 E3 (Empresa)", "a hand row")]
    with open(tenant / "sku_aliases_version.csv", encoding="utf-8") as fh:
        version, = csv.DictReader(fh)
    assert (version["table_version"], version["microsoft_csv_date"],
            version["microsoft_csv_products"]) == ("2026-02-01", "2026-01-15", "2")
    assert version["microsoft_csv_sha256"] == hashlib.sha256(csv_path.read_bytes()).hexdigest()


def _script(name: str):
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
