"""The validated organization: what every later stage reads.

:func:`planner.input.validate.read_org` builds an :class:`OrgInputs` from ORG.xlsx; notebooks can
build one in code with :func:`planner.input.validate.org_from_frames`. All quantities are plain Python values;
nothing here knows about Excel.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

WORKER_KINDS = ("information", "frontline")
PRIMARY_DEVICES = ("windows_pro", "windows_enterprise", "other", "none")
QUALIFYING_OS = ("windows_pro", "windows_enterprise")
AGREEMENTS = ("EA", "EAS", "MCA-E", "CSP")
PLAN_AT = ("now", "renewal")
TIMELINE = "timeline"  # the --at value that plans every period (planner.timeline)
BILLING = ("annual", "monthly")


@dataclass(frozen=True)
class Organization:
    """Organization-wide settings (the Organization sheet).

    ``exchange_rate`` converts the price list's currency into ``currency``: units of
    ``currency`` per one unit of the price list's currency (EUR per USD: 0.92 means
    1 USD = 0.92 EUR; list prices are multiplied by it). ``exchange_rate_date`` is the
    day the rate was taken. Both are None when the workbook gives no rate.
    ``discount_rate`` (a fraction per year, 0.05 = 5%) discounts the later periods of a
    timeline plan to today's money; 0 means costs are added as they fall.
    """

    name: str = "Organization"
    currency: str = "USD"
    agreement: str = "EA"
    renewal_date: date | None = None
    as_of: date = field(default_factory=date.today)
    price_list: str | None = None
    discount_pct: float = 0.0
    notes: str = ""
    billing: str = "annual"
    holds_with_teams_suite: bool | None = None
    exchange_rate: float | None = None
    exchange_rate_date: date | None = None
    discount_rate: float = 0.0


@dataclass(frozen=True)
class Group:
    """A persona: ``users`` people who need the same things on the same kind of devices.

    ``needs`` holds the ids as written (need or profile ids); the catalog expands them.
    ``devices`` is the total number of work devices of the group when it differs from
    ``users * devices_per_user`` (shared devices); ``None`` means that product.
    """

    name: str
    users: int
    worker: str = "information"
    devices_per_user: int = 1
    primary_device: str = "windows_pro"
    needs: tuple[str, ...] = ()
    devices: int | None = None
    notes: str = ""
    row: int | None = None
    pcs_per_user: int | None = None
    tablets_per_user: int | None = None
    phones_per_user: int | None = None

    def devices_of_kind(self, kind: str) -> int:
        """Devices of one kind (``pc``, ``tablet``, ``phone``) each user uses.

        Without any per-kind column every device counts as a PC (the strictest reading of
        the install limits); with some, the kinds left blank count as none.
        """
        given = {"pc": self.pcs_per_user, "tablet": self.tablets_per_user, "phone": self.phones_per_user}
        if all(v is None for v in given.values()):
            return self.devices_per_user if kind == "pc" else 0
        return given[kind] or 0

    @property
    def device_count(self) -> int:
        """Work devices of the whole group."""
        return self.users * self.devices_per_user if self.devices is None else self.devices

    @property
    def qualifying_os(self) -> bool:
        """True when the primary work device runs a qualifying OS for Windows Enterprise."""
        return self.primary_device in QUALIFYING_OS


@dataclass(frozen=True)
class Holding:
    """Licenses already owned or subscribed (one Holdings row)."""

    product: str
    quantity: int
    group: str | None = None
    sa: bool = False
    ends: date | None = None
    paid_up: bool = False
    row: int | None = None
    price_list: str | None = None


@dataclass(frozen=True)
class PriceOverride:
    """A negotiated price from the Prices sheet [currency/unit/month]."""

    product: str
    unit_price: float
    note: str = ""
    row: int | None = None


@dataclass(frozen=True)
class Growth:
    """A group's headcount from a date on (one Growth row): ``users`` from ``start``."""

    group: str
    start: date
    users: int
    row: int | None = None


@dataclass(frozen=True)
class OrgInputs:
    """Everything the planner knows about one organization."""

    org: Organization
    groups: tuple[Group, ...]
    holdings: tuple[Holding, ...] = ()
    prices: tuple[PriceOverride, ...] = ()
    growth: tuple[Growth, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = ()

    def group(self, name: str) -> Group:
        """The group called ``name``."""
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)

    def replace(self, **changes) -> "OrgInputs":
        """A copy with some fields changed (``groups=``, ``org=``, ...)."""
        return replace(self, **changes)
