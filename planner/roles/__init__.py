"""Volume Licensing roles: least-privilege role planning and assignment status (issue 7).

Public API (the CLI in :mod:`planner.roles.cli` is glue over these)::

    catalog = load_role_catalog()
    people = read_people("people.xlsx", catalog).people
    plan = plan_roles(people, catalog)               # RolePlan; RoleConflict -> exit 1
    report = assess(read_roster("roster.xlsx", catalog), catalog, pending_days=14)
"""
from planner.roles.catalog import RoleCatalog, load_role_catalog
from planner.roles.people import Person, read_people
from planner.roles.plan import RoleConflict, RolePlan, plan_roles
from planner.roles.review import review
from planner.roles.roster import Assignment, read_roster
from planner.roles.status import StatusReport, assess

__all__ = ["Assignment", "Person", "RoleCatalog", "RoleConflict", "RolePlan", "StatusReport",
           "assess", "load_role_catalog", "plan_roles", "read_people", "read_roster", "review"]
