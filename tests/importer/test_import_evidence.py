"""The evidence rules one at a time, on one-user tenants written as export files."""
from __future__ import annotations

import json

from tenant_helpers import AS_OF, product_of

from planner.importer import import_tenant
from planner.importer.evidence import load_rules
from planner.importer.writer import group_notes

E3 = ("SPE_E3", "05e9a617-0261-4cee-bb44-138d3ef5d965")
F3 = ("SPE_F1", "66b55226-6b4f-492c-910c-a3b7a3c9d993")
APPS = "Report Refresh Date,User Principal Name,Report Period,Windows,Mac,Mobile,Web\n"
DEVICES = "Device name,OS,SkuFamily,Primary user UPN,Model,Last check-in\n"
MAILBOX = "Report Refresh Date,User Principal Name,Item Count,Storage Used (Byte),Has Archive\n"


def profile(tmp_path, sku=E3, **reports: str):
    """The inferred profile of the single user a@example.com holding ``sku``."""
    (tmp_path / "users.json").write_text(json.dumps({"value": [{
        "userPrincipalName": "a@example.com", "accountEnabled": True, "department": "Ops",
        "assignedLicenses": [{"skuId": sku[1]}]}]}))
    for name, text in reports.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    result = import_tenant([tmp_path], as_of=AS_OF, min_group_size=1)
    persona, = result.personas
    (_, prof), = persona.members
    return prof, {item: (value, reason) for item, value, reason in prof.evidence}


def test_desktop_use_is_judged_only_over_90_days(tmp_path, catalog):
    desktop = load_rules(catalog)["desktop_apps"].needs
    prof, ev = profile(tmp_path, apps=APPS + "2026-11-25,a@example.com,30,No,No,Yes,Yes\n")
    assert set(desktop) <= prof.needs
    assert ev[f"need {desktop[0]}"] == ("kept", ("apps report period of 30 days is under 90: "
                                                "desktop use not judged"))


def test_activated_desktop_apps_keep_the_need(tmp_path, catalog):
    desktop = load_rules(catalog)["desktop_apps"].needs
    prof, ev = profile(tmp_path, apps=APPS + "2026-11-25,a@example.com,D180,No,No,Yes,Yes\n",
                       activations="Report Refresh Date,User Principal Name,Product Type,Windows,Mac\n"
                                   "2026-11-25,a@example.com,MICROSOFT 365 APPS FOR ENTERPRISE,1,0\n")
    assert set(desktop) <= prof.needs
    assert ev[f"need {desktop[0]}"][1] == "no desktop use, but desktop apps are activated"


def test_no_device_export_assumes_windows_pro_and_one_device(tmp_path):
    prof, ev = profile(tmp_path)
    assert (prof.primary_device, prof.devices) == ("windows_pro", 1)
    assert ev["primary_device"] == ("windows_pro", "no device export: assumed")


def test_windows_editions_and_devices_counted_per_kind_within_the_install_limit(tmp_path):
    rows = "".join(f"d{n},iOS,,a@example.com,iPhone,2026-11-0{n}\n" for n in range(1, 7))
    rows += "t,iPadOS,,a@example.com,iPad Air,\n"
    prof, ev = profile(tmp_path, devices=DEVICES + rows + "pc,Windows,Core,a@example.com,Laptop,\n")
    assert prof.primary_device == "other"     # Windows Home is not a qualifying OS
    assert prof.kinds == (1, 1, 5) and prof.devices == 7
    assert ev["phones_per_user"] == ("5", ("6 phones enrolled: counted as 5, the install limit "
                                          "per kind (check the licence terms)"))


def test_unknown_windows_edition_is_assumed_pro_and_said_so(tmp_path):
    _prof, ev = profile(tmp_path, devices=DEVICES + "pc,Windows,,a@example.com,Laptop,\n")
    assert ev["primary_device"] == ("windows_pro", "Windows edition not in the export: windows_pro assumed")


def test_frontline_is_only_a_candidate_from_devices(tmp_path, catalog):
    apps = APPS + "2026-11-25,a@example.com,90,No,No,Yes,Yes\n"
    prof, ev = profile(tmp_path, apps=apps, devices=DEVICES + "p,Android,,a@example.com,Phone,\n")
    assert prof.worker == "information" and prof.frontline_candidate
    assert ev["worker"][1].startswith("frontline candidate: only phones or tablets enrolled")


def test_a_large_or_archived_mailbox_is_never_frontline(tmp_path):
    prof, ev = profile(tmp_path, sku=F3, mailbox=MAILBOX + f"2026-11-25,a@example.com,1,{2**30},True\n")
    assert prof.worker == "information"
    assert ev["mailbox"] == ("not a kiosk mailbox", "has an archive mailbox")


def test_frontline_licence_keeps_frontline_with_a_request_to_confirm(tmp_path, catalog):
    prof, ev = profile(tmp_path, sku=F3)
    assert prof.worker == "frontline" and "confirm" in ev["worker"][1]
    assert product_of(catalog, "SPE_F1") in ev["licences"][0]


def test_every_evidence_rule_is_active_on_the_shipped_catalog(catalog):
    rules = load_rules(catalog)
    inactive = [name for name, rule in rules.items()
                if rule.listed and not rule.needs and name not in ("kiosk_mailbox", "onprem_rights")]
    assert inactive == []
    assert not rules["inactive"].listed and rules["inactive"].min_days == 90


def test_personas_the_catalog_cannot_license_are_warned_and_noted(tmp_path, catalog):
    """E5 users on Macs: blocked while every product giving E5 security needs a qualifying
    OS (the expectation is read from the catalog, so it follows catalog changes)."""
    e5 = ("SPE_E5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06")
    security = {n for n in catalog.items[product_of(catalog, "SPE_E5")].provides
                if all("qualifying_os" in p.eligibility for p in catalog.items.values()
                       if n in p.provides)} - set(load_rules(catalog)["windows_local"].needs)
    (tmp_path / "users.json").write_text(json.dumps({"value": [{
        "userPrincipalName": "a@example.com", "accountEnabled": True,
        "assignedLicenses": [{"skuId": e5[1]}]}]}))
    (tmp_path / "devices.csv").write_text(DEVICES + "mac,macOS,,a@example.com,MacBook,\n")
    result = import_tenant([tmp_path], as_of=AS_OF, min_group_size=1)
    persona, = result.personas
    warned = [str(w) for w in result.warnings if "cannot be licensed" in str(w)]
    if security:
        assert {why.split(":")[0] for why in persona.blocked} == security
        assert warned == [(f"1 group (1 user) cannot be licensed by any catalog product mix; "
                          f"'planner solve' will report them (each group's notes say why): "
                          f"{persona.name}")]
        assert group_notes(persona, 1).startswith("NO COMPLIANT PRODUCT MIX in the catalog for ")
    else:
        assert persona.blocked == [] and warned == []
