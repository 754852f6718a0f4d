"""What the exports say about a tenant, gathered from every input file.

The format readers (:mod:`~planner.importer.graph`, :mod:`~planner.importer.powershell`,
:mod:`~planner.importer.admin_center`, :mod:`~planner.importer.usage`,
:mod:`~planner.importer.intune`) fill one :class:`Tenant`; users are keyed by their user
principal name, case-folded, which is also how usage and device rows are joined to them.
Licences are kept as written (:class:`LicenceRef`) until every file is read, because a
display name can only be resolved once the tenant's own SKUs are known.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from planner.importer.readers import Problems
from planner.importer.skus import clean_text
from planner.importer.values import RowCheck, yes_no

# Which user source wins when the same user appears in several (Graph carries skuIds).
PRIORITY = {"graph": 3, "powershell": 2, "admin_center": 1}


def user_key(upn: str) -> str:
    """Join key of a user principal name."""
    return upn.strip().casefold()


@dataclass(frozen=True)
class LicenceRef:
    """A user's licences as written: ``kind`` is ``guids`` (skuIds), ``tokens`` (part
    numbers, GUIDs or names, one each) or ``names`` (one ``+``-joined display-name list)."""

    kind: str
    values: tuple[str, ...]


@dataclass
class OwnedSku:
    """One subscribed SKU: owned units by state and how many are assigned."""

    part: str
    guid: str | None
    enabled: int
    warning: int
    suspended: int
    locked_out: int
    consumed: int | None
    status: str
    applies_to: str
    subscription_ids: tuple[str, ...]
    file: str
    row: int
    key: str = ""


@dataclass
class Subscription:
    """One commerce subscription (``directory/subscriptions``): its term end and size."""

    id: str
    part: str
    guid: str | None
    status: str
    total: int | None
    ends: date | None
    trial: bool
    file: str
    row: int


@dataclass
class User:
    """One directory user and the licences assigned to it."""

    upn: str
    enabled: bool | None
    guest: bool
    department: str
    title: str
    country: str
    licences: LicenceRef
    source: str
    file: str
    row: int
    column: str | None
    skus: frozenset[str] = frozenset()
    created: date | None = None
    last_sign_in: date | None = None
    sign_in_known: bool = False
    assignments: dict[str, Assignment] = field(default_factory=dict)
    disabled: dict[str, frozenset[str]] = field(default_factory=dict)
    errored: dict[str, str] = field(default_factory=dict)
    by_group: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Assignment:
    """What Graph says about one licence of a user beyond its skuId: the service plans
    disabled on it (lower-case GUIDs), whether it is in effect (an ``Error`` or
    ``Disabled`` state in ``licenseAssignmentStates`` is not), the error, and whether a
    group assigns it."""

    disabled_plans: frozenset[str] = frozenset()
    active: bool = True
    error: str = ""
    by_group: bool = False


def make_user(upn: str, enabled: bool | None, user_type: str, department: str, title: str,
              country: str, licences: LicenceRef, source: str, file: str, row: int,
              column: str | None, created: date | None = None) -> User:
    """A :class:`User` with its texts cleaned; a guest is ``userType`` Guest or an
    ``#EXT#`` user principal name."""
    return User(upn=upn, enabled=enabled,
                guest=user_type.strip().lower() == "guest" or "#ext#" in upn.lower(),
                department=clean_text(department), title=clean_text(title),
                country=clean_text(country), licences=licences, source=source, file=file,
                row=row, column=column, created=created)


def user_cells(table, row: int, cells: list[str], problems: Problems,
               flag: str) -> tuple[RowCheck, str, bool | None]:
    """The check, user principal name and yes/no column ``flag`` of one CSV user row
    (a missing name or a bad flag is recorded on the check)."""
    check = RowCheck(problems, table.file, row)
    upn = table.cell(cells, "userprincipalname")
    if not upn:
        check.fail("missing user principal name", table.column("userprincipalname"))
    return check, upn, check.value(yes_no, table.cell(cells, flag), table.column(flag))


@dataclass
class AppUse:
    """Microsoft 365 Apps use of one user over a report period."""

    period: int | None
    desktop: bool
    web: bool


@dataclass
class Mailbox:
    """Mailbox size, archive and Exchange activity of one user (``used``: active within
    the report period)."""

    bytes: int | None
    archive: bool | None
    recipient: str
    used: bool = False


@dataclass
class CopilotUse:
    """Copilot activity of one (licensed) user over a report period."""

    period: int | None
    last: date | None
    refresh: date | None


@dataclass
class Activity:
    """Last activity of one user over every workload (Office 365 active user detail)."""

    last: date | None
    assigned: date | None
    refresh: date | None


@dataclass
class Device:
    """One managed device (Intune)."""

    user: str | None
    os: str
    edition: str
    ownership: str
    enrollment: str
    model: str
    last_seen: date | None
    file: str
    row: int


@dataclass
class Report:
    """One usage report read: what it is, how many rows, period and concealment."""

    kind: str
    file: str
    rows: int = 0
    concealed: int = 0
    period: int | None = None
    refresh: date | None = None
    facts: dict[str, int] = field(default_factory=dict)


@dataclass
class Tenant:
    """Everything read from the exports."""

    account: str | None = None
    skus: list[OwnedSku] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    apps: dict[str, AppUse] = field(default_factory=dict)
    activations: dict[str, int] = field(default_factory=dict)
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)
    copilot: dict[str, CopilotUse] = field(default_factory=dict)
    activity: dict[str, Activity] = field(default_factory=dict)
    onedrive: dict[str, int] = field(default_factory=dict)
    pstn_calls: dict[str, int] = field(default_factory=dict)
    devices: list[Device] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    pages: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def add_user(self, user: User, problems: Problems) -> None:
        """Add a user; the same user from a better source replaces it, from the same kind
        of source it is a warning (the first row is kept)."""
        key = user_key(user.upn)
        old = self.users.get(key)
        if old is None or PRIORITY[user.source] > PRIORITY[old.source]:
            self.users[key] = user
        elif old.source == user.source and (old.file, old.row) != (user.file, user.row):
            problems.warn(f"the same user appears again (first in {old.file}, row {old.row}); "
                          "this row is ignored", user.file, user.row)

    def has(self, kind: str) -> bool:
        """True when a report of ``kind`` was read."""
        return any(r.kind == kind for r in self.reports)

    def report(self, kind: str) -> Report | None:
        """The last report of ``kind`` read, or None."""
        found = [r for r in self.reports if r.kind == kind]
        return found[-1] if found else None
