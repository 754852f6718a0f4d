"""What each unit costs in a plan: new purchases, renewals and running commitments.

A new purchase is priced by the plan's price list (the one in force on the planning
date unless the workbook names one); a running subscription or SA keeps the price of
the list in force when its term began (licensing-facts §1.3) and is already committed.
Under an Enterprise Agreement the price is also locked for added seats: more units of a
product the organization already runs are priced at that running line's list until the
renewal (EA price lock). A step-up costs the difference between its target at the price
payable now and its source at the price the organization pays for it. Annual terms billed
monthly cost more where the catalog says so. Prices sheet rows override the catalog and
the discount.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date

from planner.catalog.load import Catalog, PriceList
from planner.dates import add_years
from planner.errors import InputError, Issue
from planner.input.organization import Holding, OrgInputs


def plan_date(inputs: OrgInputs, at: str) -> date:
    """The date the plan is made for: ``as_of`` (now) or ``renewal_date`` (renewal)."""
    if at == "renewal":
        if inputs.org.renewal_date is None:
            raise InputError(Issue("planning --at renewal needs renewal_date on the "
                                   "Organization sheet", inputs.source, "Organization",
                                   column="value"))
        return inputs.org.renewal_date
    return inputs.org.as_of


def is_running(holding: Holding, on: date, catalog: Catalog) -> bool:
    """True when the holding is paid beyond ``on`` (sunk for a plan made on that date).

    Perpetual on-premises licences without SA never expire and cost nothing to keep.
    """
    product = catalog.product(holding.product)
    if product.is_onprem and not holding.sa:
        return True
    return holding.ends is None or holding.ends > on


# ------------------------------------------------------------------ currency conversion

def currency_factor(inputs: OrgInputs, price_list: PriceList, product: str) -> float:
    """What one unit of ``price_list``'s currency is worth in the workbook's currency.

    1 when the currencies agree; else the Organization ``exchange_rate`` (units of the
    workbook currency per unit of the list's). Prices sheet rows are already in the
    workbook currency and are never converted.

    Raises
    ------
    InputError
        When the currencies differ, no exchange rate is given and ``product`` (which has
        no Prices row) must be priced from the list.
    """
    org = inputs.org
    if org.currency == price_list.currency:
        return 1.0
    if org.exchange_rate is not None:
        return org.exchange_rate
    raise InputError(Issue(
        f"{product} has no Prices row and its {price_list.currency} list price cannot be "
        f"converted to {org.currency}: no exchange_rate", inputs.source, "Organization",
        column="value", hint=f"give exchange_rate ({org.currency} per 1 "
        f"{price_list.currency}) and exchange_rate_date, or price {product} on the Prices sheet"))


@dataclass
class Pricing:
    """Monthly unit prices for one plan [currency/unit/month]."""

    catalog: Catalog
    inputs: OrgInputs
    at: str
    price_list: PriceList
    on: date
    scale: dict[str, float] = field(default_factory=dict)

    @classmethod
    def for_plan(cls, inputs: OrgInputs, catalog: Catalog, at: str,
                 scale: dict[str, float] | None = None) -> "Pricing":
        """Pricing at planning point ``at`` (``now`` or ``renewal``).

        ``scale`` multiplies catalog prices of some products (the estimate-risk check
        moves estimates within their bands this way); Prices-sheet rows are not scaled.
        """
        on = plan_date(inputs, at)
        pl_id = inputs.org.price_list
        if pl_id is None:
            price_list = catalog.list_in_force(on)
        elif pl_id in catalog.price_lists:
            price_list = catalog.price_lists[pl_id]
        else:
            raise InputError(Issue(f"unknown price list '{pl_id}'", inputs.source, "Organization",
                                   column="value",
                                   hint="known: " + ", ".join(catalog.price_list_ids())))
        return cls(catalog, inputs, at, price_list, on, dict(scale or {}))

    @cached_property
    def overrides(self) -> dict[str, float]:
        """Prices sheet: product -> unit price."""
        return {p.product: p.unit_price for p in self.inputs.prices}

    def _from_list(self, price_list: PriceList, product: str, sa_only: bool) -> float | None:
        if product in self.overrides and not sa_only:
            return self.overrides[product]
        raw = price_list.sa_price(product) if sa_only else price_list.unit_price(product)
        if raw is None and price_list is not self.price_list:
            return self._from_list(self.price_list, product, sa_only)
        if raw is None:
            return None
        return (raw * (1 - self.inputs.org.discount_pct / 100)
                * currency_factor(self.inputs, price_list, product) * self.scale.get(product, 1.0))

    def buy_price(self, product: str) -> float | None:
        """Price of one new unit, or None when it cannot be bought in this plan."""
        if product not in self._buy:
            self._buy[product] = self._buy_price(product)
        return self._buy[product]

    @cached_property
    def _buy(self) -> dict[str, float | None]:
        return {}

    def _buy_price(self, product: str) -> float | None:
        prod = self.catalog.product(product)
        if not prod.buyable_under(self.inputs.org.agreement):
            return None
        if prod.is_step_up and product not in self.overrides:
            return self._step_up_price(prod)
        locked = self.locked_line(product)
        price = (self.contract_price(locked) if locked is not None
                 else self._from_list(self.price_list, product, sa_only=False))
        return None if price is None else price * self.billing_factor(product)

    def _step_up_price(self, prod) -> float | None:
        """Target at the price payable now less each source at the price being paid."""
        target = self.buy_price(prod.step_to)
        if target is None:
            return None
        paid = 0.0
        for src in prod.step_from:
            lines = [h for h in self.inputs.holdings if h.product == src and self.running(h)]
            if not lines:
                return None
            paid += min(self.contract_price(h) for h in lines) * self.billing_factor(src)
        return max(0.0, target - paid)

    def locked_line(self, product: str) -> Holding | None:
        """The running holding whose price new units of ``product`` keep (EA price lock).

        Only under the agreements of the catalog rule ``price_lock_agreements`` and only
        before the renewal: at renewal the new list applies to everything.
        """
        agreements = self.catalog.platform_rules.get("price_lock_agreements", "").split(";")
        if self.at == "renewal" or self.inputs.org.agreement not in agreements:
            return None
        lines = [h for h in self.inputs.holdings if h.product == product and self.running(h)
                 and not (self.catalog.product(product).is_onprem and not h.sa)]
        return min(lines, key=lambda h: (self.started(h), h.row or 0)) if lines else None

    def billing_factor(self, product: str) -> float:
        """1 + the monthly-billing uplift where it applies (cloud subscriptions only)."""
        rules = self.catalog.platform_rules
        if (self.inputs.org.billing != "monthly" or self.catalog.product(product).is_onprem
                or self.inputs.org.agreement not in rules.get("monthly_billing_agreements", "").split(";")
                or self.on < date.fromisoformat(rules.get("monthly_billing_from", "9999-12-31"))
                or product in self.overrides):
            return 1.0
        return 1 + float(rules.get("monthly_billing_uplift_pct", 0)) / 100

    def price_list_of(self, holding: Holding) -> PriceList:
        """The list a running holding was priced by: its ``price_list``, else its start's."""
        if holding.price_list and holding.price_list in self.catalog.price_lists:
            return self.catalog.price_lists[holding.price_list]
        return self.catalog.list_in_force(self.started(holding))

    def started(self, holding: Holding) -> date:
        """When the holding's current term began (its end less the agreement's term)."""
        if holding.ends is None:
            return self.on
        years = int(self.catalog.platform_rules.get(f"term_years_{self.inputs.org.agreement}", 3))
        return add_years(holding.ends, -years)

    def estimate_band(self, product: str) -> float | None:
        """The error band [%] of an estimated price in this plan's list (None if published)."""
        if product in self.overrides:
            return None
        return self.price_list.band(product)

    def running(self, holding: Holding) -> bool:
        """True when the holding is already paid for the planning year."""
        return is_running(holding, self.on, self.catalog)

    def renewal_price(self, holding: Holding) -> float:
        """Price of keeping one unit of an expiring holding (SA only for on-premises)."""
        prod = self.catalog.product(holding.product)
        if prod.is_onprem:
            price = self._from_list(self.price_list, holding.product, sa_only=holding.sa)
        elif prod.is_step_up:
            price = self.buy_price(holding.product)
        else:
            price = self._from_list(self.price_list, holding.product, sa_only=False)
        return (price or 0.0) * self.billing_factor(holding.product)

    def contract_price(self, holding: Holding) -> float:
        """Price being paid for a running holding (list in force when its term began)."""
        prod = self.catalog.product(holding.product)
        if prod.is_onprem and not holding.sa:
            return 0.0
        sa_only = prod.is_onprem and holding.paid_up
        return self._from_list(self.price_list_of(holding), holding.product, sa_only=sa_only) or 0.0

    def holding_price(self, holding: Holding) -> float:
        """Monthly price of one unit of ``holding`` in this plan (committed or renewal)."""
        return self.contract_price(holding) if self.running(holding) else self.renewal_price(holding)
