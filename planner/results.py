"""The plan as data: a dataclass of tables that every renderer reads.

Renderers (Excel, console, JSON) only format a :class:`Plan`; they never compute. The
tables are :class:`~planner.table.Table` rows; ``plan.purchases`` and its siblings give
each as a pandas DataFrame for notebooks (built on first use).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from planner.table import Table
from planner.vocabulary import ACTIONS, STATUSES, TIMELINE_ACTIONS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ACTIONS", "ALTERNATIVE_COLUMNS", "ASSIGNMENT_COLUMNS", "COMPLIANCE_COLUMNS",
           "PERIOD_COLUMNS", "PRODUCT_LIST_COLUMNS", "PRODUCT_SEPARATOR", "PURCHASE_COLUMNS",
           "ROBUSTNESS_COLUMNS", "STATUSES", "TIMELINE_ACTIONS", "TIMELINE_COLUMNS", "Plan", "Timeline", "bundles_text",
           "products_text", "read_bundles", "read_products", "tables_as_text"]

PURCHASE_COLUMNS = [
    "action", "product", "product_name", "quantity", "unit_price", "monthly_cost",
    "annual_cost", "note",
]
ASSIGNMENT_COLUMNS = ["group", "users", "products", "annual_cost_per_user", "why", "robust", "flips_at"]
ALTERNATIVE_COLUMNS = [
    "group", "rank", "chosen", "alternative", "extra_annual_cost", "extra_annual_cost_per_user", "note",
]
COMPLIANCE_COLUMNS = ["check", "scope", "passed", "detail"]
ROBUSTNESS_COLUMNS = ["group", "robust", "flips_product", "flips_at", "flips_to"]
PRODUCT_SEPARATOR = " + "
"""How one user's products are written in a workbook or on the console: ``a + b``."""
BUNDLE_SEPARATOR = " | "
"""How a group's bundles are written when its users hold different ones: ``a + b | c``."""
NO_BUNDLE = "none"
"""How an empty list of bundles is written (no other compliant choice)."""


def products_text(products) -> str:
    """One user's products as written (``m365_e3 + copilot``); text is returned as it is."""
    return products if isinstance(products, str) else PRODUCT_SEPARATOR.join(products)


def read_products(value) -> tuple[str, ...]:
    """Product ids of one assignment: a sequence of ids, or the text a plan workbook holds."""
    parts = value if isinstance(value, (list, tuple)) else str(value).split(PRODUCT_SEPARATOR.strip())
    return tuple(p for p in (str(x).strip() for x in parts) if p)


def bundles_text(bundles) -> str:
    """A group's bundles as written (``m365_e3 + copilot | m365_e5``, ``none`` for no bundle).

    ``bundles`` is what the Alternatives table's ``chosen`` and ``alternative`` columns
    carry: a tuple of bundles, each a tuple of product ids. Text is returned as it is.
    """
    if isinstance(bundles, str):
        return bundles
    return BUNDLE_SEPARATOR.join(products_text(b) for b in bundles) or NO_BUNDLE


def read_bundles(value) -> tuple[tuple[str, ...], ...]:
    """The bundles of :func:`bundles_text` text (or of a sequence of bundles) as tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(read_products(b) for b in value)
    text = "" if value is None else str(value).strip()
    if text.casefold() == NO_BUNDLE:
        return ()
    bundles = (read_products(part) for part in text.split(BUNDLE_SEPARATOR.strip()))
    return tuple(b for b in bundles if b)


PRODUCT_LIST_COLUMNS = {"products": products_text, "chosen": bundles_text,
                        "alternative": bundles_text}
"""Columns of the plan tables that carry product ids, and how each is written as text."""


@overload
def tables_as_text(table: Table) -> Table: ...
@overload
def tables_as_text(table: pd.DataFrame) -> pd.DataFrame: ...
def tables_as_text(table):
    """``table`` with its product-list columns (:data:`PRODUCT_LIST_COLUMNS`) written as text.

    The plan's tables carry tuples of product ids; a CSV file, a workbook or a console
    shows this text. A Table gives a Table, a DataFrame a DataFrame.
    """
    def text(write):
        return lambda value: write(value) if isinstance(value, (list, tuple)) else value

    names = [name for name in PRODUCT_LIST_COLUMNS if name in table.columns]
    if isinstance(table, Table):
        return table.with_columns(**{name: [text(PRODUCT_LIST_COLUMNS[name])(v) for v in table.column(name)]
                                     for name in names})
    shown = {name: table[name].map(text(PRODUCT_LIST_COLUMNS[name])) for name in names}
    return table.assign(**shown) if shown else table


TIMELINE_COLUMNS = [
    "period", "start", "end", "action", "product", "product_name", "quantity", "unit_price",
    "annual_cost", "period_cost", "note",
]
PERIOD_COLUMNS = ["period", "start", "end", "at", "years", "annual_cost", "cost", "discounted_cost"]


@dataclass
class Timeline:
    """A plan over several periods (``--at timeline``).

    Attributes
    ----------
    periods : pandas.DataFrame
        One row per period (``PERIOD_COLUMNS``): its dates, the planning point its rules
        follow, its length in years, the run-rate while it lasts [currency/year], its
        cost (run-rate x years) and that cost discounted to ``as_of``.
    lines : pandas.DataFrame
        Period x product (``TIMELINE_COLUMNS``): what is running, renewed, bought or
        dropped in each period, at which unit price [currency/unit/month], and its cost.
    assignments : list of pandas.DataFrame
        Per period, who holds what (the Assignments columns).
    total_cost, discounted_total_cost : float
        Sum of the periods' costs, as they fall and discounted at ``discount_rate``.
    chained_total_cost : float or None
        What the same horizon costs when each period is planned on its own, given what
        the periods before it bought (None when not computed).
    """

    periods: pd.DataFrame
    lines: pd.DataFrame
    assignments: list[pd.DataFrame]
    total_cost: float
    discounted_total_cost: float
    discount_rate: float = 0.0
    chained_total_cost: float | None = None
    compliance: list[pd.DataFrame] = field(default_factory=list)

    def to_json(self, num) -> dict:
        """``periods``, ``total_cost`` and friends for the plan's ``--json`` (``num`` rounds)."""
        periods = []
        for row in self.periods.itertuples(index=False):
            lines = self.lines[self.lines["period"] == row.period]
            periods.append({
                "start": row.start, "end": row.end, "at": row.at, "years": round(float(row.years), 4),
                "annual_cost": num(row.annual_cost), "cost": num(row.cost),
                "discounted_cost": num(row.discounted_cost),
                "purchases": [{"action": r.action, "product": r.product, "product_name": r.product_name,
                               "quantity": int(r.quantity), "unit_price": num(r.unit_price),
                               "annual_cost": num(r.annual_cost), "period_cost": num(r.period_cost),
                               "note": r.note} for r in lines.itertuples(index=False)],
                "assignments": [{"group": r.group, "users": int(r.users),
                                 "products": list(read_products(r.products))}
                                for r in self.assignments[row.period].itertuples(index=False)],
            })
        return {"periods": periods, "total_cost": num(self.total_cost),
                "discounted_total_cost": num(self.discounted_total_cost),
                "discount_rate": self.discount_rate,
                "chained_total_cost": num(self.chained_total_cost),
                "saving_over_chained": num(self.saving_over_chained)}

    @property
    def saving_over_chained(self) -> float | None:
        """What planning the path saves over planning one point at a time."""
        if self.chained_total_cost is None:
            return None
        return round(self.chained_total_cost - self.total_cost, 2)


class FrameView:
    """A Plan attribute that shows one of its :class:`Table` fields as a DataFrame.

    Reading it builds (once) and returns the DataFrame; assigning a Table replaces the
    rows, assigning a DataFrame makes that frame the table (later edits to it count);
    None stays None (a table that was not computed).
    """

    def __init__(self, rows: str, doc: str):
        self.rows = rows
        self.__doc__ = doc

    def __get__(self, plan, owner=None):
        if plan is None:
            return self
        table = getattr(plan, self.rows)
        return None if table is None else table.frame()

    def __set__(self, plan, value) -> None:
        if value is not None and not isinstance(value, Table):
            value = Table.backed_by(value)
        setattr(plan, self.rows, value)


@dataclass
class Plan:
    """A purchase plan and the evidence behind it.

    Attributes
    ----------
    status : str
        ``optimal`` (proven), ``feasible`` (time limit hit; see ``gap``) or ``infeasible``.
    currency : str
        Currency of every amount.
    at : str
        ``now`` or ``renewal``: which planning point was solved.
    price_list : str
        Catalog price list used for new purchases.
    annual_cost : float
        Cost of the plan over the next 12 months [currency/year]: new purchases, renewals
        and the running commitments that are paid either way.
    baseline_annual_cost : float or None
        The compliant status quo [currency/year]: today's holdings renewed as they are plus
        the like-for-like cure of the compliance gap (see :mod:`planner.model.baseline`); None
        when no status quo is compliant.
    committed_annual_cost : float
        Part of ``annual_cost`` that is already committed (running subscriptions and SA).
    gap : float or None
        Relative optimality gap; 0 when proven optimal.
    purchase_rows, assignment_rows, alternative_rows, compliance_rows : Table
        The four tables of the plan workbook (columns in ``*_COLUMNS``); the ``products``
        of an assignment are a tuple of product ids, an alternative's ``chosen`` and
        ``alternative`` a tuple of such bundles (empty: no other compliant choice).
        Renderers write them as text (:func:`products_text`, :func:`bundles_text`,
        :func:`tables_as_text`). ``plan.purchases``, ``plan.assignments``,
        ``plan.alternatives`` and ``plan.compliance`` are the same tables as pandas
        DataFrames (built on first use; assigning a DataFrame or a Table replaces the rows).
    robustness_rows : Table or None
        Per group, whether its choice survives the error bands of estimated prices
        (``ROBUSTNESS_COLUMNS``; ``plan.robustness`` as a DataFrame); None when not checked.
    """

    status: str
    currency: str
    at: str
    price_list: str
    annual_cost: float
    baseline_annual_cost: float | None
    committed_annual_cost: float
    gap: float | None
    purchase_rows: Table
    assignment_rows: Table
    alternative_rows: Table = field(default_factory=lambda: Table(ALTERNATIVE_COLUMNS))
    compliance_rows: Table = field(default_factory=lambda: Table(COMPLIANCE_COLUMNS))
    organization: str = ""
    source_file: str = ""
    solver: str = ""
    solve_seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    current_annual_cost: float | None = None
    compliance_gap: dict = field(default_factory=dict)
    robustness_rows: Table | None = None
    timeline: Timeline | None = None

    purchases = FrameView("purchase_rows", "The Purchases table as a DataFrame (``PURCHASE_COLUMNS``).")
    assignments = FrameView("assignment_rows",
                            "The Assignments table as a DataFrame (``ASSIGNMENT_COLUMNS``).")
    alternatives = FrameView("alternative_rows",
                             "The Alternatives table as a DataFrame (``ALTERNATIVE_COLUMNS``).")
    compliance = FrameView("compliance_rows", "The Compliance table as a DataFrame (``COMPLIANCE_COLUMNS``).")
    robustness = FrameView("robustness_rows", "The robustness check as a DataFrame "
                           "(``ROBUSTNESS_COLUMNS``); None when it was not run.")

    @property
    def savings(self) -> float | None:
        """Compliant status quo minus plan cost [currency/year]; None without a baseline.

        Never negative for a proven-optimal plan (every status quo is also a plan); only a
        plan stopped at its time limit can cost more, and renderers then show the
        difference as an extra cost, never as a negative saving.
        """
        if self.baseline_annual_cost is None:
            return None
        return self.baseline_annual_cost - self.annual_cost

    @property
    def compliance_gap_annual_cost(self) -> float | None:
        """Cost of the like-for-like cure of the compliance gap [currency/year]."""
        return self.compliance_gap.get("annual_cost") if self.compliance_gap else None

    @property
    def users_uncovered(self) -> int | None:
        """Users today's holdings leave unlicensed for some need."""
        return self.compliance_gap.get("users") if self.compliance_gap else None

    @property
    def groups_not_robust(self) -> int | None:
        """Groups whose choice flips within an estimate's band (None when not checked)."""
        if self.robustness_rows is None:
            return None
        return sum(not bool(robust) for robust in self.robustness_rows.column("robust"))

    @property
    def timeline_periods(self) -> int | None:
        """Number of periods of a timeline plan (None for a single planning point)."""
        return None if self.timeline is None else len(self.timeline.periods)

    @property
    def timeline_total_cost(self) -> float | None:
        """Cost over every period of a timeline plan (None for a single planning point)."""
        return None if self.timeline is None else self.timeline.total_cost

    @property
    def timeline_discounted_total_cost(self) -> float | None:
        """The timeline's total discounted to ``as_of`` (None for a single planning point)."""
        return None if self.timeline is None else self.timeline.discounted_total_cost

    @property
    def proven_optimal(self) -> bool:
        """True when the solver proved no cheaper compliant plan exists."""
        return self.status == "optimal"

    @property
    def compliant(self) -> bool:
        """True when every audit check passed."""
        passed = self.compliance_rows.column("passed")
        return bool(passed) and all(bool(p) for p in passed)

    def _robust_fields(self, group: str) -> dict:
        rows = [] if self.robustness_rows is None else [
            r for r in self.robustness_rows if r.group == group]
        if not rows:
            return {}
        row = rows[0]
        flips = None if row.robust else {"product": row.flips_product,
                                         "unit_price": float(row.flips_at),
                                         "to": row.flips_to}
        return {"robust": bool(row.robust), "flips_at": flips}

    def to_json(self) -> dict:
        """The machine-readable result of ``--json`` (README, "What the figures mean")."""

        def num(x):
            if x is None or (isinstance(x, float) and math.isnan(x)):
                return None
            return round(float(x), 2)

        purchases = [
            {
                "action": r.action,
                "product": r.product,
                "product_name": r.product_name,
                "quantity": int(r.quantity),
                "unit_price": num(r.unit_price),
                "monthly_cost": num(r.monthly_cost),
                "annual_cost": num(r.annual_cost),
                "note": r.note,
            }
            for r in self.purchase_rows
        ]
        assignments = []
        for r in self.assignment_rows:
            assignments.append({
                "group": r.group,
                "users": int(r.users),
                "products": list(read_products(r.products)),
                "annual_cost_per_user": num(r.annual_cost_per_user),
                **self._robust_fields(r.group),
            })
        return {
            "status": self.status,
            "currency": self.currency,
            "at": self.at,
            "price_list": self.price_list,
            "annual_cost": num(self.annual_cost),
            "current_annual_cost": num(self.current_annual_cost),
            "compliance_gap": self.compliance_gap,
            "baseline_annual_cost": num(self.baseline_annual_cost),
            "committed_annual_cost": num(self.committed_annual_cost),
            "savings": num(self.savings),
            "gap": None if self.gap is None else float(self.gap),
            "proven_optimal": self.proven_optimal,
            "compliant": self.compliant,
            "purchases": purchases,
            "assignments": assignments,
            **({} if self.timeline is None else self.timeline.to_json(num)),
        }
