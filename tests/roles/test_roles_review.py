"""Review of today's roles against the least-privilege plan."""
from __future__ import annotations

from planner.roles.review import MISSING, NOT_ALLOWED, OVER, REDUNDANT, review


def test_over_privileged_names_the_extra_tasks(catalog):
    f = review(["administrator"], ["view_contracts", "download_software"],
               ["product_download_manager"], catalog)
    assert f.flags == (OVER,)
    assert f.extra == ("view_orders", "view_contract_keys", "create_license_summaries",
                       "view_product_keys", "manage_online_activation", "manage_sa_benefits",
                       "reserve_online_services", "manage_subscriptions",
                       "manage_role_assignments")
    assert (f.add, f.remove) == (("product_download_manager",), ("administrator",))


def test_missing_task_is_flagged(catalog):
    f = review(["product_download_manager"], ["download_software", "view_invoices"],
               ["product_download_manager", "invoice_reader"], catalog)
    assert f.flags == (MISSING,)
    assert f.missing == ("view_invoices",)
    assert f.add == ("invoice_reader",) and f.remove == ()


def test_redundant_role_adds_no_task_but_is_flagged(catalog):
    f = review(["administrator", "product_download_manager"], ["manage_role_assignments",
               "view_orders", "download_software"], ["administrator"], catalog)
    assert f.flags == (REDUNDANT,)
    assert f.remove == ("product_download_manager",)


def test_forbidden_combination_is_flagged(catalog):
    f = review(["administrator", "invoice_reader"], ["manage_role_assignments"],
               ["administrator"], catalog)
    assert f.flags == (OVER, NOT_ALLOWED)
    assert f.notes == ("Invoice Reader can't be assigned to the VL admin",)


def test_equally_small_alternative_is_ok(catalog):
    f = review(["benefits_reader"], ["view_contracts"], ["product_download_manager"], catalog)
    assert f.flags == () and f.verdict == "ok" and f.add == f.remove == ()


def test_roles_held_without_any_task_are_over_privileged(catalog):
    f = review(["benefits_reader"], [], [], catalog)
    assert f.flags == (OVER,) and f.extra == ("view_contracts", "manage_sa_benefits")
    assert f.remove == ("benefits_reader",)
