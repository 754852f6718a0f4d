"""The catalog: schema checks, sources on every price and rule, the suite table of seed 004."""
from __future__ import annotations

import shutil
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from planner.catalog.load import load_catalog
from planner.errors import CatalogError

# Seed 004, "Comparison of Microsoft 365 suites for enterprises", transcribed: each suite's
# components as the table lists them (catalog ids), and the features the table lists that
# exist only in the suite (capability ids; Autopatch, Clipchamp, Loop and Application Guard
# are not modelled as capabilities).
SEED_SUITE_TABLE = {
    "m365_e3": {"components": {"ems_e3", "o365_e3", "win_ent_e3"}, "suite_only": {"mde_p1"}},
    "m365_e5": {"components": {"ems_e5", "o365_e5", "win_ent_e5"},
                "suite_only": {"ml_classification", "endpoint_dlp", "insider_risk", "safe_docs"}},
    "m365_e7": {"components": {"m365_e5", "copilot", "agent_365", "entra_suite"}, "suite_only": set()},
    "m365_f1": {"components": {"ems_e3"}, "suite_only": {"teams", "cloud_storage", "sharepoint_kiosk"}},
    "m365_f3": {"components": {"ems_e3", "o365_f3", "win_ent_e3"}, "suite_only": set()},
}
# Rights the catalog deliberately removes from a listed component, with the reason.
REDUCED = {"m365_f3": {"vdi"}}  # facts §2.3: F3's Windows has no general virtualization rights


def test_every_price_and_rule_has_a_source(catalog):
    assert all(catalog.products["source"].str.len() > 0)
    for pl in catalog.price_lists.values():
        assert all(pl.prices["source"].str.len() > 0), pl.id
        estimates = pl.prices[pl.prices["estimate"] == "Y"]
        assert all(estimates["derivation"].str.len() > 0), pl.id


@pytest.mark.parametrize("suite", sorted(SEED_SUITE_TABLE))
def test_suite_contents_match_the_seed_table(catalog, suite):
    row = SEED_SUITE_TABLE[suite]
    derived = set()
    for component in row["components"]:
        derived |= catalog.provides(component, "CSP")
    derived = (derived | row["suite_only"]) - REDUCED.get(suite, set())
    assert catalog.provides(suite, "CSP") == derived


def test_f1_has_no_mailbox_and_no_office_apps(catalog):
    assert not {"mailbox", "office_apps", "office_web"} & catalog.provides("m365_f1", "EA")


def test_extended_use_rights_only_under_ea_and_eas(catalog):
    for suite in ("m365_e3", "m365_e3_no_teams", "m365_e5", "m365_e5_no_teams", "m365_e7"):
        assert "onprem_server_licence" in catalog.provides(suite, "EA")
        assert "onprem_server_licence" not in catalog.provides(suite, "CSP")
        # the CAL right comes with any Online Services SL, in every program (review R10)
        assert "onprem_server_cal" in catalog.provides(suite, "CSP")


def test_tiers_have_at_least_semantics(catalog):
    assert {"mailbox_kiosk", "mailbox_p1", "mailbox_p2"} <= catalog.provides("exchange_p2", "CSP")
    assert "mailbox_p2" not in catalog.provides("exchange_p1", "CSP")
    assert {"entra_p1", "entra_p2"} <= catalog.provides("entra_id_p2", "CSP")
    assert {"mde_p1", "mde_p2"} <= catalog.provides("defender_endpoint_p2", "CSP")
    assert {"mdo_p1", "mdo_p2"} <= catalog.provides("defender_office_p2", "CSP")


def test_capabilities_come_from_service_plans_and_rights(catalog):
    # E5 Security is an add-on that sells the E5 security capabilities (CSV IDENTITY_THREAT_PROTECTION)
    assert set(catalog.expand_needs(["security_e5"])) <= catalog.provides("m365_e5_security", "EA")
    assert set(catalog.expand_needs(["compliance_e5"])) <= catalog.provides("m365_e5_compliance", "EA")
    # the no-Teams suites lack Teams; F1's kiosk plan carries no mailbox right
    assert "teams" not in catalog.provides("m365_e3_no_teams", "EA")
    assert "teams" not in catalog.provides("m365_e5_no_teams", "EA")
    assert "mailbox_kiosk" not in catalog.provides("m365_f1", "EA")
    # F3 is not gated on a qualifying OS; only its Windows capability is
    assert "qualifying_os" not in catalog.product("m365_f3").eligibility
    assert catalog.capabilities["windows_enterprise"].condition == "qualifying_os"


def test_step_ups_take_their_targets_rights(catalog):
    for pid in catalog.product_ids:
        prod = catalog.product(pid)
        if prod.is_step_up:
            assert catalog.provides(pid, "EA") == catalog.provides(prod.step_to, "EA")


def test_price_list_in_force(catalog):
    assert catalog.default_price_list(date(2026, 6, 30)) == "us-list-2026-05"
    assert catalog.default_price_list(date(2026, 7, 1)) == "us-list-2026-07"
    assert catalog.default_price_list(date(2020, 1, 1)) == "us-list-2022-03"
    jul = catalog.price_lists["us-list-2026-07"]
    assert (jul.unit_price("m365_e3"), jul.unit_price("m365_e5")) == (39.0, 60.0)


def test_expand_needs_and_suggestions(catalog):
    assert "windows_enterprise" in catalog.expand_needs(["m365_e3_equivalent"])
    with pytest.raises(KeyError):
        catalog.expand_needs(["copilt"])
    assert catalog.suggest("copilt") == "copilot"
    assert catalog.suggest("m365e3", "product") == "m365_e3"


def _copy_catalog(tmp_path: Path) -> Path:
    root = Path(str(resources.files("planner._catalog")))
    dst = tmp_path / "catalog"
    shutil.copytree(root, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


def test_loader_names_file_and_entry_of_each_error(tmp_path):
    root = _copy_catalog(tmp_path)
    products = root / "products.csv"
    text = products.read_text().replace("copilot,Microsoft 365 Copilot,addon,user",
                                        "copilot,Microsoft 365 Copilot,addon,seat", 1)
    products.write_text(text.replace("m365_e7,Microsoft 365 E7,suite,user,MICROSOFT_365_E7,m365_e5;",
                                     "m365_e7,Microsoft 365 E7,suite,user,MICROSOFT_365_E7,m365_e55;", 1))
    prices = root / "prices" / "us-list-2026-07.csv"
    sourced = "m365_e3,39.00,,N,,licensing-facts §1.3: 2026-07-01 increase [P-x] SRC-34..36,"
    prices.write_text(prices.read_text().replace(sourced, "m365_e3,39.00,,N,,,", 1))
    with pytest.raises(CatalogError) as err:
        load_catalog(root)
    text = str(err.value)
    assert "catalog/products.csv line" in text and "(copilot): basis 'seat' is invalid" in text
    assert "(m365_e7): includes 'm365_e55;copilot;agent_365;entra_suite' is invalid" in text
    assert "catalog/prices/us-list-2026-07.csv line 2 (m365_e3): source is empty" in text


def test_the_shipped_catalog_loads_from_the_installed_package(catalog):
    assert Path(str(resources.files("planner._catalog") / "products.csv")).exists()
    assert len(catalog.product_ids) >= 28
