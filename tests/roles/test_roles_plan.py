"""Least-privilege role plans: exact role sets, the conflict, and a brute-force check."""
from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.roles.catalog import load_role_catalog
from planner.roles.model import build_model
from planner.roles.people import Person
from planner.roles.plan import RoleConflict, plan_roles
from planner.roles.review import forbidden_pairs, score

CATALOG = load_role_catalog()
ALL_TASKS = tuple(t.id for t in CATALOG.tasks)
INVOICES = ("view_invoices", "download_invoices")
SOLVERS = ["highs", "cbc"]


def roles_for(tasks, solver="highs", current=None):
    [pp] = plan_roles([Person("p", tuple(tasks), current_roles=current)], CATALOG, solver).people
    return set(pp.roles)


@pytest.mark.parametrize("solver", SOLVERS)
def test_invoices_only_gets_only_invoice_reader(solver):
    assert roles_for(INVOICES, solver) == {"invoice_reader"}
    assert roles_for(["view_invoices"], solver) == {"invoice_reader"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_everything_but_invoices_gets_administrator_alone(solver):
    tasks = [t for t in ALL_TASKS if t not in INVOICES]
    assert roles_for(tasks, solver) == {"administrator"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_contracts_and_downloads_get_download_manager_not_administrator(solver):
    assert roles_for(["view_contracts", "download_software"], solver) == {
        "product_download_manager"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_administrator_only_when_least_privilege(solver):
    # Without role management, five narrow roles grant nothing extra; Administrator would.
    tasks = [t for t in ALL_TASKS if t not in INVOICES + ("manage_role_assignments",)]
    assert roles_for(tasks, solver) == {
        "license_position_reader", "product_download_manager", "product_keys_reader",
        "benefits_reader", "online_services_manager"}
    tasks_with_invoices = [t for t in ALL_TASKS if t != "manage_role_assignments"]
    assert roles_for(tasks_with_invoices, solver) == {
        "license_position_reader", "product_download_manager", "product_keys_reader",
        "benefits_reader", "online_services_manager", "invoice_reader"}


def test_role_manager_who_needs_invoices_has_no_compliant_set():
    people = [Person("Ok", ("download_software",), row=2),
              Person("Dana", ("manage_role_assignments", "view_invoices"), row=3)]
    with pytest.raises(RoleConflict) as exc:
        plan_roles(people, CATALOG, file="people.xlsx", sheet="People")
    assert exc.value.exit_code == 1
    assert exc.value.lines() == [
        "people.xlsx, sheet People, row 3: person 'Dana' has no compliant role set: "
        "manage_role_assignments needs Administrator and view_invoices needs Invoice Reader, "
        "but Invoice Reader can't be assigned to the VL admin (learn-vl-roles-2025, "
        "2025-03-28); give these tasks to different people"]


def test_no_tasks_means_no_roles():
    assert roles_for([]) == set()


def test_ties_keep_a_role_held_today():
    # view_contracts alone: Product download manager and Benefits reader each add one task.
    assert roles_for(["view_contracts"]) == {"product_download_manager"}
    assert roles_for(["view_contracts"], current=("benefits_reader",)) == {"benefits_reader"}


def test_why_names_the_roles_and_unavoidable_extras():
    [pp] = plan_roles([Person("p", ("view_invoices",))], CATALOG).people
    assert pp.extra == ("view_contracts", "download_invoices")
    assert pp.why.startswith("Invoice Reader for view_invoices (only role permitting "
                             "view_invoices); also grants view_contracts, download_invoices")


def test_variable_and_constraint_names_are_readable():
    m = build_model([Person("p", ("view_invoices",), row=7)], CATALOG)
    names = {v.name for v in m.problem.variables()}
    assert "assign_r7,invoice_reader_" in names
    assert m.problem.get_constraint_by_name("cover_r7,view_invoices_") is not None


def best_by_enumeration(tasks):
    """(extra, roles) of the best allowed role set, by trying all 128 of them."""
    ids = [r.id for r in CATALOG.roles]
    best = None
    for k in range(len(ids) + 1):
        for combo in combinations(ids, k):
            s = score(combo, tasks, CATALOG)
            if not s.missing and not forbidden_pairs(combo, CATALOG):
                key = (len(s.extra), s.roles)
                best = key if best is None or key < best else best
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from(ALL_TASKS)), min_size=1, max_size=4),
       st.sampled_from(SOLVERS))
def test_plan_matches_exhaustive_search(task_sets, solver):
    people = [Person(f"p{i}", tuple(sorted(t)), row=i + 2) for i, t in enumerate(task_sets)]
    expected = [best_by_enumeration(p.tasks) for p in people]
    if None in expected:
        with pytest.raises(RoleConflict) as exc:
            plan_roles(people, CATALOG, solver)
        blocked = {b.person.person for b in exc.value.blocked}
        assert blocked == {p.person for p, e in zip(people, expected) if e is None}
        return
    plan = plan_roles(people, CATALOG, solver)
    for pp, (extra, n_roles) in zip(plan.people, expected):
        s = score(pp.roles, pp.person.tasks, CATALOG)
        assert not s.missing and not forbidden_pairs(pp.roles, CATALOG)
        assert (len(s.extra), s.roles) == (extra, n_roles)
