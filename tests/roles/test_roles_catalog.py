"""The shipped VL role catalog matches the Learn table (source 000 and facts section 6)."""
from __future__ import annotations

import pytest

from planner.input.sheets import normalise

# Written out from the 2025 Learn table (manage-user-roles-vl.md, ms.date 2025-03-28),
# independently of catalog/roles/role_tasks.csv.
LPR, PDM, PKR = "license_position_reader", "product_download_manager", "product_keys_reader"
BR, OSM, IR, ADM = "benefits_reader", "online_services_manager", "invoice_reader", "administrator"
EXPECTED = {
    "view_contracts": {ADM, LPR, PDM, PKR, BR, OSM, IR},
    "view_orders": {ADM, LPR, OSM},
    "view_contract_keys": {ADM, LPR, PKR},
    "create_license_summaries": {ADM, LPR},
    "download_software": {ADM, PDM},
    "view_product_keys": {ADM, PKR},
    "manage_online_activation": {ADM, PKR, OSM},
    "manage_sa_benefits": {ADM, BR},
    "reserve_online_services": {ADM, OSM},
    "manage_subscriptions": {ADM, OSM},
    "view_invoices": {IR},
    "download_invoices": {IR},
    "manage_role_assignments": {ADM},
}


def test_every_task_maps_to_the_roles_that_allow_it(catalog):
    assert {t.id for t in catalog.tasks} == set(EXPECTED)
    for task, roles in EXPECTED.items():
        assert catalog.roles_permitting(task) == roles, task


def test_seven_roles_in_learn_order(catalog):
    assert [r.name for r in catalog.roles] == [
        "Administrator", "License position reader", "Product download manager",
        "Product keys reader", "Benefits reader", "Online services manager", "Invoice Reader"]


def test_administrator_follows_2025_wording_not_the_seed(catalog):
    admin = catalog.role(ADM)
    others = catalog.granted(r.id for r in catalog.roles if r.id not in (ADM, IR))
    assert admin.tasks == others | {"manage_role_assignments"}
    assert not admin.tasks & {"view_invoices", "download_invoices"}
    assert "except for viewing invoices" in catalog.source("learn-vl-roles-2025").note
    assert "no invoice exception" in catalog.source("learn-vl-faq-2023").note


def test_invoice_reader_conflicts_with_administrator(catalog):
    [conflict] = catalog.conflicts
    assert {conflict.role, conflict.other_role} == {ADM, IR}
    assert conflict.source == ("learn-vl-roles-2025",)


@pytest.mark.parametrize("spelling, role", [
    ("Licensing Info Viewer", LPR), ("licensing information viewer", LPR), ("Download", PDM),
    ("Product Keys", PKR), ("Software Assurance Manager", BR), ("ONLINE SERVICES MANAGER", OSM),
    ("Invoice Reader", IR), ("administrator", ADM), ("product-download-manager", PDM)])
def test_old_vlsc_names_and_spellings_resolve(catalog, spelling, role):
    assert catalog.role_lookup()[normalise(spelling)] == role


def test_every_row_cites_a_known_source(catalog):
    known = {s.id for s in catalog.sources}
    rows = [*catalog.roles, *catalog.tasks, *catalog.conflicts, *catalog.statuses]
    assert all(r.source and set(r.source) <= known for r in rows)


def test_status_labels_and_spellings_resolve(catalog):
    lookup = catalog.status_lookup()
    assert [s.id for s in catalog.statuses] == [
        "active", "assignment_in_progress", "failed", "invitation_sent", "invitation_expired",
        "user_not_found"]
    for text in ("Invitation Sent", "invitation sent", "Assignment In Progress",
                 "User Not Found", "INVITATION EXPIRED"):
            assert normalise(text) in lookup
