"""What each unit costs in a plan: new purchases, renewals and running commitments.

A new purchase is priced by the plan's price list (the one in force on the planning
date unless the workbook names one); a running subscription or SA keeps the price of
the list in force when its term began (licensing-facts §1.3) and is already committed.
Prices sheet rows override the catalog and the discount.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date

from .catalog import Catalog, PriceList
from .errors import InputError, Issue
from .inputs import Holding, OrgInputs


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


@dataclass
class Pricing:
    """Monthly unit prices for one plan [currency/unit/month]."""

    catalog: Catalog
    inputs: OrgInputs
    at: str
    price_list: PriceList
    on: date

    @classmethod
    def for_plan(cls, inputs: OrgInputs, catalog: Catalog, at: str) -> "Pricing":
        """Pricing at planning point ``at`` (``now`` or ``renewal``)."""
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
        return cls(catalog, inputs, at, price_list, on)

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
        return raw * (1 - self.inputs.org.discount_pct / 100)

    def buy_price(self, product: str) -> float | None:
        """Price of one new unit, or None when it cannot be bought in this plan."""
        prod = self.catalog.product(product)
        if not prod.sold_under(self.inputs.org.agreement):
            return None
        return self._from_list(self.price_list, product, sa_only=False)

    def running(self, holding: Holding) -> bool:
        """True when the holding is already paid for the planning year."""
        return is_running(holding, self.on, self.catalog)

    def renewal_price(self, holding: Holding) -> float:
        """Price of keeping one unit of an expiring holding (SA only for on-premises)."""
        prod = self.catalog.product(holding.product)
        if prod.is_onprem:
            price = self._from_list(self.price_list, holding.product, sa_only=holding.sa)
        else:
            price = self._from_list(self.price_list, holding.product, sa_only=False)
        return price or 0.0

    def contract_price(self, holding: Holding) -> float:
        """Price being paid for a running holding (list in force when its term began)."""
        prod = self.catalog.product(holding.product)
        if prod.is_onprem and not holding.sa:
            return 0.0
        started = self.on
        if holding.ends is not None:
            years = int(self.catalog.platform_rules.get(
                f"term_years_{self.inputs.org.agreement}", 3))
            try:
                started = holding.ends.replace(year=holding.ends.year - years)
            except ValueError:  # 29 February
                started = holding.ends.replace(year=holding.ends.year - years, day=28)
        price_list = self.catalog.list_in_force(started)
        sa_only = prod.is_onprem and holding.paid_up
        return self._from_list(price_list, holding.product, sa_only=sa_only) or 0.0

    def holding_price(self, holding: Holding) -> float:
        """Monthly price of one unit of ``holding`` in this plan (committed or renewal)."""
        return self.contract_price(holding) if self.running(holding) else self.renewal_price(holding)
