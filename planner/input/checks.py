"""Warnings a licensing analyst expects on an otherwise valid organization workbook.

Each check returns warnings (:class:`~planner.errors.Issue` with severity ``warning``)
located on the cell they are about: a renewal date already past, holdings that ended
before the planning date, more work devices per user than per-user install rights cover,
an Enterprise Agreement below its minimum size, a ``holds_with_teams_suite`` of N beside
a with-Teams suite on the Holdings sheet. They never stop a plan;
``planner validate --strict`` and ``planner solve --strict`` turn them into errors.
The thresholds are catalog data, each with its source: the install limits of
``capabilities.csv`` and, in ``rules/platform.csv``, ``ea_minimum_size`` and
``platform_agreements``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from planner.catalog.load import Catalog
from planner.errors import Issue
from planner.input.organization import Group, Holding, Organization
from planner.input.sheets import Table

if TYPE_CHECKING:
    from planner.input.validate import OrgSheet

# Device kinds of the install limits (capabilities.csv ``install_kinds``), in words.
DEVICE_KINDS = {"pc": "PCs or Macs", "tablet": "tablets", "phone": "phones"}
WARNING = "warning"


def check_renewal_in_past(org: Organization, where: "OrgSheet") -> list[Issue]:
    """A warning when ``renewal_date`` is before ``as_of`` (the renewal already happened)."""
    if org.renewal_date is None or org.renewal_date >= org.as_of:
        return []
    return [where.issue("renewal_date",
                        f"renewal_date {org.renewal_date.isoformat()} is before as_of "
                        f"{org.as_of.isoformat()}: that renewal is in the past",
                        "give the next renewal (anniversary or end of term)", WARNING)]


def check_with_teams_answer(org: Organization, where: "OrgSheet", holdings: tuple[Holding, ...],
                            catalog: Catalog) -> list[Issue]:
    """A warning when ``holds_with_teams_suite`` is N but Holdings lists a with-Teams suite.

    The answer decides (the plan may renew and add seats to the held suite, and buys no
    other with-Teams suite), but a customer who holds one may also move to another
    (E3 to E5 with Teams), so the two are worth reconciling.
    """
    suites = catalog.sales_rules.get("with_teams_existing_customers", (frozenset(),))[0]
    held = [h for h in holdings if h.product in suites]
    if org.holds_with_teams_suite is not False or not held:
        return []
    listed = ", ".join(h.product + (f" (row {h.row})" if h.row else "") for h in held)
    kind = "a with-Teams suite" if len(held) == 1 else "with-Teams suites"
    return [where.issue("holds_with_teams_suite",
                        f"holds_with_teams_suite is N, but Holdings lists {listed}, {kind}; "
                        "the plan buys no other with-Teams suite (no move to another suite "
                        "with Teams)",
                        "answer Y if these are with-Teams subscriptions, or hold the (no Teams) "
                        "product ids if they are not", WARNING)]


def check_ended_holdings(table: Table | None, holdings: tuple[Holding, ...],
                         org: Organization, catalog: Catalog) -> list[Issue]:
    """A warning on each holding whose ``ends`` is on or before ``as_of``.

    Such a holding is no longer paid for, so the plan prices keeping it as a renewal.
    Perpetual on-premises licences without SA are skipped: they never end.
    """
    if table is None:
        return []
    issues = []
    for h in holdings:
        if h.ends is None or h.ends > org.as_of:
            continue
        if catalog.product(h.product).is_onprem and not h.sa:
            continue
        issues.append(table.issue(
            f"{h.product} ended on {h.ends.isoformat()}, on or before as_of "
            f"{org.as_of.isoformat()}: the plan treats it as expired and prices keeping it "
            "as a renewal", h.row, "ends", "update ends if the term was renewed", WARNING))
    return issues


def check_device_rights(table: Table | None, groups: tuple[Group, ...],
                        catalog: Catalog) -> list[Issue]:
    """A warning on each group with more devices per user than its install rights cover.

    Install rights are the capabilities with an ``install_limit`` in capabilities.csv
    (Microsoft 365 Apps: 5 PCs or Macs + 5 tablets + 5 phones; Windows Enterprise: 5 PCs);
    a group is checked for those its needs (profiles expanded) include, per device kind
    (every device counts as a PC when the group gives no per-kind counts).
    """
    if table is None:
        return []
    issues = []
    for g in groups:
        over: dict[str, list[str]] = {}
        limits: dict[str, int] = {}
        for need in catalog.expand_needs(g.needs):
            cap = catalog.capabilities.get(need)
            if cap is None or cap.install_limit is None:
                continue
            for kind in cap.install_kinds:
                if g.devices_of_kind(kind) > cap.install_limit:
                    over.setdefault(kind, []).append(need)
                    limits[kind] = cap.install_limit
        for kind, needs in over.items():
            per_kind = g.devices_of_kind(kind) != g.devices_per_user or kind != "pc"
            what = f"{DEVICE_KINDS[kind]}" if per_kind else "devices"
            issues.append(table.issue(
                f"{g.devices_of_kind(kind)} {what} per user, more than the {limits[kind]} a "
                f"per-user licence's install rights cover ({', '.join(needs)})", g.row,
                f"{kind}s_per_user" if per_kind else "devices_per_user",
                "license the extra devices per device, or split the group", WARNING))
    return issues


def check_agreement_size(org: Organization, where: "OrgSheet", groups: tuple[Group, ...],
                         catalog: Catalog) -> list[Issue]:
    """A warning when an Enterprise Agreement (EA, EAS) covers fewer than its minimum.

    The minimum (catalog ``ea_minimum_size``, commercial) is met by users or devices.
    """
    agreements = catalog.platform_rules["platform_agreements"].split(";")
    minimum = int(catalog.platform_rules["ea_minimum_size"])
    users = sum(g.users for g in groups)
    devices = sum(g.device_count for g in groups)
    if org.agreement not in agreements or not groups or max(users, devices) >= minimum:
        return []
    default = "" if "agreement" in where.rows else " (the default agreement)"
    return [where.issue("agreement",
                        f"an {org.agreement}{default} needs at least {minimum} users or devices "
                        f"(commercial); the Groups sheet has {users:,} users and "
                        f"{devices:,} devices",
                        "check the headcounts, or set agreement to MCA-E or CSP", WARNING)]


MAX_PLAUSIBLE_COUNT = 5_000_000
"""Users in a group, or units in a holding, past which a count is almost surely a typo.

The largest employers have about 2.3 million staff; a count above this bound is planned
as given, with a warning (docs/reliability.md, Limits).
"""


def check_counts(group_table: Table | None, groups: tuple[Group, ...],
                 holding_table: Table | None, holdings: tuple[Holding, ...]) -> list[Issue]:
    """A warning on each group or holding whose count is above :data:`MAX_PLAUSIBLE_COUNT`."""
    issues = []
    cases = [(group_table, g.row, "users", g.users) for g in groups]
    cases += [(holding_table, h.row, "quantity", h.quantity) for h in holdings]
    for table, row, column, count in cases:
        if table is not None and count > MAX_PLAUSIBLE_COUNT:
            issues.append(table.issue(
                f"{count:,} is more than {MAX_PLAUSIBLE_COUNT:,}, the largest count planner "
                "treats as plausible", row, column, "check the number; a typo?", WARNING))
    return issues
