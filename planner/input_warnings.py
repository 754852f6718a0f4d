"""Warnings a licensing analyst expects on an otherwise valid organization workbook.

Each check returns warnings (:class:`~planner.errors.Issue` with severity ``warning``)
located on the cell they are about: a renewal date already past, holdings that ended
before the planning date, more work devices per user than per-user install rights cover,
an Enterprise Agreement below its minimum size. They never stop a plan;
``planner validate --strict`` and ``planner solve --strict`` turn them into errors.
The thresholds are catalog data (``rules/platform.csv``: ``user_device_limit``,
``ea_minimum_size``, ``platform_agreements``), each with its source.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import Catalog
from .errors import Issue
from .inputs import Group, Holding, Organization
from .sheets import Table

if TYPE_CHECKING:
    from .validate import OrgSheet

# Needs that are install rights of a per-user licence (Microsoft 365 Apps on 5 PCs or
# Macs + 5 tablets + 5 phones; Windows Enterprise on 5 devices): licensing-facts §3.5.
INSTALL_RIGHT_NEEDS = ("office_apps", "windows_enterprise")
WARNING = "warning"


def check_renewal_in_past(org: Organization, where: "OrgSheet") -> list[Issue]:
    """A warning when ``renewal_date`` is before ``as_of`` (the renewal already happened)."""
    if org.renewal_date is None or org.renewal_date >= org.as_of:
        return []
    return [where.issue("renewal_date",
                        f"renewal_date {org.renewal_date.isoformat()} is before as_of "
                        f"{org.as_of.isoformat()}: that renewal is in the past",
                        "give the next renewal (anniversary or end of term)", WARNING)]


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
    """A warning on each group with more devices per user than install rights cover.

    Applies to groups whose needs (profiles expanded) include an install right
    (:data:`INSTALL_RIGHT_NEEDS`); the limit is the catalog's ``user_device_limit``.
    """
    if table is None:
        return []
    limit = int(catalog.platform_rules["user_device_limit"])
    issues = []
    for g in groups:
        rights = [n for n in INSTALL_RIGHT_NEEDS if n in catalog.expand_needs(g.needs)]
        if g.devices_per_user <= limit or not rights:
            continue
        issues.append(table.issue(
            f"{g.devices_per_user} devices per user, more than the {limit} a per-user "
            f"licence's install rights cover ({', '.join(rights)})", g.row, "devices_per_user",
            f"at most {limit} of each kind (PCs or Macs, tablets, phones); license extra "
            "devices per device or split the group", WARNING))
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
