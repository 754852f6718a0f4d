"""tenant_a imported end to end: personas, holdings, findings and evidence, counted by hand
from ``tests/data/tenant/make_tenants.py`` (33 users; see the comments there)."""
from __future__ import annotations

from collections import Counter
from datetime import date

import openpyxl
import pytest
from tenant_helpers import AS_OF, implied, product_of

from planner.importer import import_tenant, write_workbook
from planner.importer.evidence import load_rules
from planner.input.validate import read_org


def provides(catalog, sku):
    return set(catalog.items[product_of(catalog, sku)].provides)


def rule_needs(catalog, name):
    return set(load_rules(catalog)[name].needs)


def test_headcount_and_who_is_left_out(result_a):
    # 33 users: the guest, fin6 (disabled), newhire (no licence), analyst (Power Apps only)
    # and idle1 (no sign-in or activity since 2026-06-30) are not demand.
    assert result_a.users == 28
    assert sorted((p.users for p in result_a.personas), reverse=True) == [9, 8, 4, 2, 2, 1, 1, 1]
    notes = " ".join(result_a.notes)
    assert ("Not in Groups: 1 (guest user), 1 (inactive: no sign-in or activity in the "
            "inactivity period), 1 (no licence), 1 (only licences without a catalog "
            "product), 1 (sign-in blocked (disabled account)).") in notes


def test_personas_by_department_with_needs_from_licences_and_evidence(result_a, catalog):
    by = {(p.key, p.users): p for p in result_a.personas}
    vdi, desktop = rule_needs(catalog, "virtual_desktop"), rule_needs(catalog, "desktop_apps")
    windows, onprem = rule_needs(catalog, "windows_local"), rule_needs(catalog, "onprem_rights")
    web = set(load_rules(catalog)["desktop_apps"].replacement)

    def needs(persona):   # the persona's needs with the tiers they imply
        return implied(catalog, persona.needs)

    e3 = provides(catalog, "SPE_E3") - onprem
    sales = by[("Sales", 8)]      # sales1-8 (7 and 8 also hold EMS, which E3 covers)
    assert needs(sales) == e3 - vdi
    assert (sales.worker, sales.primary_device, sales.devices_per_user) == ("information", "windows_pro", 2)
    assert sales.per_kind() == (1, 0, 1)      # a laptop and an iPhone each
    web_only = by[("Sales", 2)]   # sales9-10: no desktop use in 90 days
    assert needs(web_only) == e3 - vdi - desktop | implied(catalog, web)
    store = by[("Store", 9)]      # store1-9 on F3, Android phones only
    assert needs(store) == provides(catalog, "SPE_F1") - windows - onprem
    assert (store.worker, store.primary_device) == ("frontline", "other")
    big_mailbox = by[("Store", 1)]  # store10: 2.5 GB mailbox, 3 GB OneDrive -> never frontline
    assert big_mailbox.worker == "information"
    kiosk = rule_needs(catalog, "kiosk_mailbox") | rule_needs(catalog, "onedrive_storage")
    assert not kiosk & big_mailbox.needs and kiosk <= needs(store)
    macs = by[("it", 2)]          # it1-2: MacBooks; department ' it ' cleaned
    assert needs(macs) == e3 - vdi - windows and macs.primary_device == "other"
    cloud_pc = by[("it", 1)]      # it3: a Cloud PC keeps VDA rights; the Pro laptop is primary
    assert needs(cloud_pc) == e3 and cloud_pc.primary_device == "windows_pro"
    assert cloud_pc.per_kind() == (2, 0, 0)   # the laptop and the Cloud PC
    e5 = provides(catalog, "SPE_E5") - vdi - onprem
    assert needs(by[("Finance", 4)]) == e5          # fin2 (idle Copilot) joins fin3-5
    assert needs(by[("Finance", 1)]) == e5 | provides(catalog, "Microsoft_365_Copilot") - onprem
    assert by[("Finance", 1)].primary_device == "windows_enterprise"


def test_holdings_preserve_owned_quantities_and_term_ends(result_a, catalog):
    rows = {(h.product, h.ends): h.quantity for h in result_a.holdings.rows}
    june = date(2027, 6, 30)
    assert rows == {
        (product_of(catalog, "SPE_E3"), june): 20,
        (product_of(catalog, "SPE_E5"), june): 8,   # the 1 warning unit is not held
        (product_of(catalog, "SPE_F1"), june): 10,  # 12 enabled minus 2 trial
        (product_of(catalog, "EMS"), date(2027, 3, 31)): 5,
        (product_of(catalog, "Microsoft_365_Copilot"), june): 2,
    }
    assert result_a.renewal == june


def test_findings_match_the_hand_count(result_a, catalog):
    prices = catalog.list_in_force(AS_OF)
    found = {(f.finding, f.sku): (f.count, f.annual_cost) for f in result_a.findings}

    def cost(sku, n):
        return round(n * prices.unit_price(product_of(catalog, sku)) * 12, 2)

    assert found == {
        ("unassigned seats", "SPE_E3"): (5, cost("SPE_E3", 5)),       # 20 owned, 15 assigned
        ("unassigned seats", "SPE_E5"): (2, cost("SPE_E5", 2)),       # 8 owned, 6 assigned
        ("unassigned seats", "EMS"): (3, cost("EMS", 3)),             # 5 owned, 2 assigned
        ("unassigned seats", "SPE_F1"): (2, cost("SPE_F1", 2)),       # 12 owned, 10 assigned
        ("unassigned seats", "POWERAPPS_PER_USER"): (2, None),        # no catalog product
        ("unassigned seats", "FLOW_FREE"): (9997, None),
        ("units expired, in the grace period", "SPE_E5"): (1, cost("SPE_E5", 1)),
        ("overlapping licence", "EMS"): (1, cost("EMS", 1)),          # sales7
        ("licence assignment in error", "EMS"): (1, cost("EMS", 1)),  # sales8: CountViolation
        ("licence on an inactive user", "SPE_E3"): (1, cost("SPE_E3", 1)),  # idle1
        ("licence on a disabled user", "SPE_E5"): (1, cost("SPE_E5", 1)),  # fin6
        ("licence on a guest user", "SPE_E3"): (1, cost("SPE_E3", 1)),
        ("Copilot licensed, not used", "Microsoft_365_Copilot"):
            (1, cost("Microsoft_365_Copilot", 1)),                    # fin2
    }


def test_unmapped_skus_are_listed_with_owned_units(result_a):
    assert [(u.sku, u.owned, u.assigned, u.users) for u in result_a.unmapped] == [
        ("POWERAPPS_PER_USER", 5, 3, 3), ("FLOW_FREE", 10000, 3, 3)]


def test_concealed_report_is_detected_and_not_joined(result_a):
    report = result_a.tenant.report("activations")
    assert (report.rows, report.concealed) == (3, 3)
    assert result_a.tenant.activations == {}
    assert any("3 of 3 rows have concealed user names" in str(w) for w in result_a.warnings)


# usage: the 8 department personas already differ in needs or devices; licences: the
# same 8 split further where the licence set differs (sales1-6 vs sales7-8 with EMS;
# fin2 with Copilot vs fin3-5 without) -> 10.
@pytest.mark.parametrize("by, expected", [("usage", 8), ("licences", 10)])
def test_other_group_keys(tenant_a, by, expected):
    result = import_tenant([tenant_a], as_of=AS_OF, group_by=by, min_group_size=1)
    assert len(result.personas) == expected and result.users == 28
    if by == "licences":
        assert Counter(p.key for p in result.personas)["m365_e3+ems_e3"] == 1


def test_small_personas_fold_into_other_departments_without_merging_needs(tenant_a):
    result = import_tenant([tenant_a], as_of=AS_OF, min_group_size=3)
    sizes = {(p.key, p.users) for p in result.personas}
    # Only the 9 store, 8 sales and 4 finance personas reach 3 users; the rest fold, and
    # folding never joins different needs: the two 1-user IT and store personas stay apart.
    assert {("Store", 9), ("Sales", 8), ("Finance", 4)} <= sizes
    assert all(k == "other departments" for k, n in sizes if n < 3)
    assert result.users == 28 and len(result.personas) == 8


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
            for ws in wb.worksheets}


def test_user_names_only_on_the_evidence_sheet_and_dropped_on_request(result_a, tmp_path, catalog):
    named = write_workbook(result_a, tmp_path / "named.xlsx")
    cells = _cells(named)
    with_names = {title for title, values in cells.items() if any("@example.com" in v for v in values)}
    assert with_names == {"Evidence"}
    members = [v for v in cells["Evidence"] if v.startswith("store1@")]
    assert members
    anonymous = write_workbook(result_a, tmp_path / "anonymous.xlsx", names=False)
    assert not any("@example.com" in v for values in _cells(anonymous).values() for v in values)
    assert "user_names" not in _cells(anonymous)["Evidence"]


def test_evidence_lists_each_decision_with_its_users(result_a, tmp_path):
    path = write_workbook(result_a, tmp_path / "ORG.xlsx")
    ws = openpyxl.load_workbook(path)["Evidence"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    idle = [r for r in rows if r[1] == "need copilot" and r[2] == "dropped"]
    assert [(r[4], r[5]) for r in idle] == [(1, "fin2@example.com")]
    members = [r for r in rows if r[0].startswith("Store / ") and r[0].endswith("frontline")
               and r[1] == "users"]
    assert members[0][4] == 9 and members[0][5].count("@") == 9


def test_the_workbook_validates_with_the_imported_headcount(result_a, tmp_path):
    org = read_org(write_workbook(result_a, tmp_path / "ORG.xlsx"))
    assert sum(g.users for g in org.groups) == 28
    assert sum(h.quantity for h in org.holdings) == 45
    assert org.org.name == "Example Org" and org.org.as_of == AS_OF
    assert org.org.agreement == "CSP"         # 28 users: under the EA minimum
    assert not [w for w in org.warnings if "an EA needs" in w]
    assert org.org.renewal_date == date(2027, 6, 30)
    sales = next(g for g in org.groups if g.name == "Sales / m365_e3 / windows_pro")
    assert (sales.pcs_per_user, sales.tablets_per_user, sales.phones_per_user) == (1, 0, 1)
    notes = {g.name: g.notes for g in org.groups}
    assert "folds" not in " ".join(notes.values())
    assert any("frontline" in n and "confirm" in n for n in notes.values())


def test_onprem_rights_are_one_organization_note_not_a_note_per_group(result_a, catalog):
    from planner.importer.writer import group_notes

    onprem = rule_needs(catalog, "onprem_rights") & provides(catalog, "SPE_E3")
    notes = " ".join(result_a.notes)
    assert ("On-premises rights (" in notes) == bool(onprem)
    assert not any("on-premises" in group_notes(p, 1) for p in result_a.personas)
    assert all(not (p.needs & onprem) for p in result_a.personas)
