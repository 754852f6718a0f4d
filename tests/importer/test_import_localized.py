"""Localized admin-center exports: names mapped through the alias table, unknown names on
the Unmapped sheet; counted by hand from ``tests/data/tenant/make_tenants.py``."""
from __future__ import annotations

import json

import openpyxl
from tenant_helpers import AS_OF, planner, product_of

from planner.importer import import_tenant


def products_by_user(result) -> dict[str, tuple[str, ...]]:
    return {user.upn.split("@")[0]: profile.products
            for persona in result.personas for user, profile in persona.members}


def test_spanish_export_maps_its_localized_names(tenant_b, catalog):
    result = import_tenant([tenant_b], as_of=AS_OF, min_group_size=1)

    def of(*skus):
        return tuple(sorted(product_of(catalog, s) for s in skus))

    got = {u: tuple(sorted(p)) for u, p in products_by_user(result).items()}
    # jose and sam are blocked, rosa is unlicensed; Power Automate Free and Fabric (Gratis)
    # have no catalog product.
    assert got == {
        "ana": of("O365_BUSINESS_PREMIUM"),                 # Microsoft 365 Empresa Estándar
        "luis": of("O365_BUSINESS_PREMIUM", "VISIOCLIENT"),  # + Visio Plan 2
        "eva": of("O365_BUSINESS"),           # Aplicaciones de Microsoft 365 para negocios
        "marta": of("EMS", "SPE_E3"),         # split at '+', not inside 'Mobility + Security'
        "pablo": of("SPE_E3"),
        "kim": of("SPE_E3", "Microsoft_365_Copilot"),
        "lee": of("SPE_E5"),                  # upper-case name
    }
    assert [u for u in result.unmapped if u.unknown_name] == []
    found = {(f.finding, f.product): f.count for f in result.findings}
    basic = product_of(catalog, "O365_BUSINESS_ESSENTIALS")      # jose: Empresa Básico
    assert found[("licence on a disabled user", basic)] == 1
    assert found[("overlapping licence", product_of(catalog, "EMS"))] == 1  # marta


def test_polish_export_maps_its_names_and_lists_the_unknown_one(tenant_c, catalog):
    result = import_tenant([tenant_c], as_of=AS_OF, min_group_size=1)

    def of(*skus):
        return tuple(sorted(product_of(catalog, s) for s in skus))

    got = {u: tuple(sorted(p)) for u, p in products_by_user(result).items()}
    # adam holds only the A1 faculty SKU (no catalog product), zofia is blocked.
    assert got == {
        "ola": of("OFFICESUBSCRIPTION", "O365_BUSINESS_ESSENTIALS"),  # ... dla przedsiębiorstw
        "jan": of("O365_BUSINESS"),                                   # ... dla firm
        "ewa": of("SPB"),
        "piotr": of("SPE_E3"),             # planned without the unknown name
    }
    assert [(u.sku, u.name, u.users, u.unknown_name) for u in result.unmapped] == [
        ("", "Pakiet Nieznany Planerowi", 1, True),
        ("STANDARDWOFFPACK_FACULTY", "Office 365 A1 for faculty", 1, False)]
    warnings = [str(w) for w in result.warnings]
    assert any("column Licenses: unknown licence name 'Pakiet Nieznany Planerowi' (1 user)" in w
               and "--aliases" in w for w in warnings)


def test_localized_export_with_an_unknown_name_imports_validates_and_solves(tmp_path, tenant_c):
    out = tmp_path / "ORG.xlsx"
    done = planner("import", str(tenant_c), "-o", str(out), "--as-of", "2026-12-01",
                   "--min-group-size", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"wrote {out}: 4 groups, 4 users, 0 holdings")
    assert done.stderr.splitlines()[-1].endswith("2 unmapped")
    sheet = openpyxl.load_workbook(out)["Unmapped"]
    unknown = [r for r in sheet.iter_rows(min_row=2, values_only=True)
               if r[2] == "Pakiet Nieznany Planerowi"]
    assert len(unknown) == 1 and "--aliases" in unknown[0][7]
    assert planner("validate", str(out)).returncode == 0
    solved = planner("solve", str(out), "--json", "--no-alternatives")
    assert solved.returncode == 0, solved.stderr
    plan = json.loads(solved.stdout)
    assert plan["status"] == "optimal"
    assert sum(a["users"] for a in plan["assignments"]) == 4
