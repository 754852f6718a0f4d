"""Exploring an organization in code: change inputs, sweep parameters, price each need.

Helpers on top of :func:`planner.plan` for notebooks and scripts. Every function takes an
:class:`~planner.input.organization.OrgInputs` (from :func:`planner.read_org`,
:func:`planner.input.validate.org_from_frames` or :mod:`planner.examples`) and returns either new
inputs (inputs are frozen: changes always make a copy) or a tidy pandas DataFrame.

=====================  ===================================================================
:func:`with_changes`   headcounts, needs, price list, discount, negotiated prices, dates
:func:`split_group`    move a share of a group into a new group with extra needs (adoption)
:func:`sweep`          solve over a grid of one or more parameters: one row per point
:func:`monte_carlo`    solve under random draws of prices, adoption, growth (planner.batch)
:func:`need_costs`     what each need of each group adds to the annual cost
:func:`compare`        several plans side by side
:func:`cost_by_product`  a plan's annual cost per product (for charts)
:func:`catalog_without`  a catalog in which some products cannot be bought (forced paths)
:func:`break_even`     where one cost curve of a sweep drops to another
=====================  ===================================================================

Amounts are in the organization's currency; annual amounts are [currency/year], per-user
amounts [currency/user/year], shares are fractions in [0, 1].

Examples
--------
>>> import planner
>>> from planner.examples import tiny_org
>>> from planner.explore import with_changes, sweep
>>> org = with_changes(tiny_org(), users={"office": 60})
>>> org.group("office").users
60
>>> points = sweep(org, {"discount_pct": [0, 10]}, at="renewal", progress=False)
>>> points[["discount_pct", "status"]].values.tolist()
[[0, 'optimal'], [10, 'optimal']]
>>> bool(points["annual_cost"].is_monotonic_decreasing)
True
"""
from __future__ import annotations

import itertools
import math
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from planner.batch.montecarlo import monte_carlo
from planner.catalog.load import Catalog, load_catalog
from planner.input.dates import optional_date, to_date
from planner.errors import NoCompliantPlan
from planner.input.organization import PLAN_AT, Group, Holding, OrgInputs, PriceOverride
from planner.pipeline import plan
from planner.catalog.pricing import Pricing
from planner.model.reprice import PriceSweep, price_signature
from planner.results import Plan

_KEEP: Any = object()  # "leave unchanged" for arguments where None is a meaningful value

SWEEP_COLUMNS = ["at", "status", "annual_cost", "baseline_annual_cost", "committed_annual_cost",
                 "savings", "price_list", "message"]
"""Columns of :func:`sweep` between the parameter columns and the product columns."""

NEED_COST_COLUMNS = ["group", "need", "users", "annual_cost_with", "annual_cost_without",
                     "adds_annual_cost", "adds_per_user"]
"""Columns of :func:`need_costs`."""

SCALAR_PARAMETERS = ("price_list", "discount_pct", "as_of", "renewal_date")
"""Sweep keys applied with :func:`with_changes` as they are."""

KEYED_PARAMETERS = ("users", "prices")
"""Sweep keys written ``users.<group>`` and ``prices.<product>``."""


# ------------------------------------------------------------------------- changing inputs

def _check_group(inputs: OrgInputs, name: str) -> Group:
    try:
        return inputs.group(name)
    except KeyError:
        known = ", ".join(g.name for g in inputs.groups)
        msg = f"unknown group '{name}'; groups: {known}"
        raise ValueError(msg) from None


def _check_ids(tokens: Iterable[str], catalog: Catalog, kind: str) -> tuple[str, ...]:
    """Tokens as a tuple, each checked against the catalog (need/profile or product ids)."""
    if isinstance(tokens, str):
        tokens = [t.strip() for t in tokens.split(",") if t.strip()]
    out = tuple(tokens)
    if kind == "need":
        pool = set(catalog.needs.index) | set(catalog.profiles)
    else:
        pool = set(catalog.items)
    for token in out:
        if token not in pool:
            close = catalog.suggest(token, kind)
            hint = f"; did you mean '{close}'?" if close else ""
            msg = f"unknown {kind} id '{token}'{hint}"
            raise ValueError(msg)
    return out


def _remove(needs: tuple[str, ...], remove: tuple[str, ...], catalog: Catalog) -> tuple[str, ...]:
    """``needs`` without ``remove``; profiles are expanded only when a removal cuts into one."""
    gone = set(catalog.expand_needs(remove))
    kept = [n for n in needs if n not in remove]
    if set(needs) >= set(remove) and not gone & set(catalog.expand_needs(kept)):
        return tuple(kept)
    return tuple(n for n in catalog.expand_needs(needs) if n not in gone)


def _part(total: int, moved: int, users: int) -> int:
    """The share of ``total`` that goes with ``moved`` of ``users`` users (rounded)."""
    return int(round(total * moved / users)) if users else 0


def _day(value: Any) -> date | None:
    return optional_date(value)


def with_changes(inputs: OrgInputs, *, users: Mapping[str, int] | None = None,
                 add_needs: Mapping[str, Iterable[str]] | None = None,
                 remove_needs: Mapping[str, Iterable[str]] | None = None,
                 needs: Mapping[str, Iterable[str]] | None = None,
                 price_list: str | None = _KEEP, discount_pct: float | None = None,
                 prices: Mapping[str, float | None] | None = None,
                 as_of: date | str | None = None, renewal_date: date | str | None = _KEEP,
                 catalog: Catalog | None = None) -> OrgInputs:
    """A copy of ``inputs`` with some inputs changed; everything else stays as it was.

    Parameters
    ----------
    inputs : OrgInputs
        The organization to start from (never modified).
    users : dict, optional
        Group name -> new headcount [users].
    add_needs, remove_needs : dict, optional
        Group name -> need or profile ids to add to or remove from the group's needs.
        Removing a need that is part of a profile (``copilot`` from
        ``m365_e7_equivalent``) expands the profile into its needs first.
    needs : dict, optional
        Group name -> the complete new list of need or profile ids.
    price_list : str or None, optional
        Catalog price list id for new purchases; ``None`` means the list in force on the
        planning date. Unchanged when not given.
    discount_pct : float, optional
        Discount on every list price [%], 0-100.
    prices : dict, optional
        Product id -> negotiated unit price [currency/unit/month] (a Prices sheet row);
        ``None`` removes an existing override. Other overrides are kept.
    as_of, renewal_date : date or ISO text, optional
        Planning date and next renewal date.
    catalog : Catalog, optional
        Ids are checked against it (the shipped catalog by default).

    Returns
    -------
    OrgInputs
        The changed copy; ``source`` is kept.

    Raises
    ------
    ValueError
        For an unknown group, need, product or price list id (with a suggestion), a
        negative headcount or price, or a discount outside 0-100.

    Examples
    --------
    >>> from planner.examples import tiny_org
    >>> org = with_changes(tiny_org(), users={"analysts": 25}, add_needs={"office": ["copilot"]},
    ...                    price_list="us-list-2026-05", prices={"copilot": 27.0})
    >>> org.group("analysts").users, org.group("office").needs, org.org.price_list
    (25, ('m365_e3_equivalent', 'copilot'), 'us-list-2026-05')
    >>> [(p.product, p.unit_price) for p in org.prices]
    [('copilot', 27.0)]
    """
    catalog = catalog or load_catalog()
    groups = {g.name: g for g in inputs.groups}
    for name, n in (users or {}).items():
        g = _check_group(inputs, name)
        if int(n) < 0:
            msg = f"users of '{name}' must be >= 0 (got {n})"
            raise ValueError(msg)
        groups[name] = replace(g, users=int(n))
    for name, ids in (needs or {}).items():
        _check_group(inputs, name)
        groups[name] = replace(groups[name], needs=_check_ids(ids, catalog, "need"))
    for name, ids in (add_needs or {}).items():
        _check_group(inputs, name)
        g = groups[name]
        extra = _check_ids(ids, catalog, "need")
        groups[name] = replace(g, needs=tuple(dict.fromkeys(g.needs + extra)))
    for name, ids in (remove_needs or {}).items():
        _check_group(inputs, name)
        g = groups[name]
        groups[name] = replace(g, needs=_remove(g.needs, _check_ids(ids, catalog, "need"), catalog))
    org = inputs.org
    if price_list is not _KEEP:
        if price_list is not None and price_list not in catalog.price_lists:
            msg = (f"unknown price list '{price_list}'; known: "
                   + ", ".join(catalog.price_list_ids()))
            raise ValueError(msg)
        org = replace(org, price_list=price_list)
    if discount_pct is not None:
        if not 0 <= float(discount_pct) <= 100:
            msg = f"discount_pct must be between 0 and 100 (got {discount_pct})"
            raise ValueError(msg)
        org = replace(org, discount_pct=float(discount_pct))
    if as_of is not None:
        org = replace(org, as_of=to_date(as_of))
    if renewal_date is not _KEEP:
        org = replace(org, renewal_date=_day(renewal_date))
    overrides = list(inputs.prices)
    for product, price in (prices or {}).items():
        _check_ids([product], catalog, "product")
        overrides = [p for p in overrides if p.product != product]
        if price is not None:
            if float(price) < 0:
                msg = f"price of '{product}' must be >= 0 (got {price})"
                raise ValueError(msg)
            overrides.append(PriceOverride(product, float(price), note="set in code"))
    return inputs.replace(org=org, groups=tuple(groups[g.name] for g in inputs.groups),
                          prices=tuple(overrides))


def split_group(inputs: OrgInputs, group: str, share: float | None = None, *,
                users: int | None = None, new_name: str | None = None,
                add_needs: Iterable[str] = (), remove_needs: Iterable[str] = (),
                catalog: Catalog | None = None) -> OrgInputs:
    """Move part of a group into a new group that needs more (or less): an adoption step.

    The new group copies the original's worker kind, devices and needs, then adds
    ``add_needs`` and removes ``remove_needs``. Holdings assigned to the original group are
    shared pro rata (rounded); pooled holdings (no group) stay pooled. Both groups are kept
    even when one is left with 0 users, so a sweep's plans have the same groups throughout.

    Parameters
    ----------
    inputs : OrgInputs
        The organization (never modified).
    group : str
        The group to split.
    share : float, optional
        Fraction of its users to move, in [0, 1]; rounded to whole users.
    users : int, optional
        Number of users to move instead of ``share``.
    new_name : str, optional
        Name of the new group (default ``"<group>_adopters"``); must not exist yet.
    add_needs, remove_needs : list of str, optional
        Need or profile ids the moved users need in addition, or no longer.
    catalog : Catalog, optional
        Ids are checked against it.

    Returns
    -------
    OrgInputs
        With the new group placed right after the original.

    Raises
    ------
    ValueError
        Unknown group or ids, a share outside [0, 1], more users than the group has, a
        name already in use, or neither/both of ``share`` and ``users``.

    Examples
    --------
    >>> from planner.examples import tiny_org
    >>> org = split_group(tiny_org(), "office", 0.25, new_name="office_copilot",
    ...                   add_needs=["copilot"])
    >>> [(g.name, g.users) for g in org.groups]
    [('office', 30), ('office_copilot', 10), ('analysts', 10), ('store', 25)]
    >>> org.group("office_copilot").needs
    ('m365_e3_equivalent', 'copilot')
    """
    catalog = catalog or load_catalog()
    g = _check_group(inputs, group)
    if (share is None) == (users is None):
        msg = "give exactly one of share (a fraction) and users (a count)"
        raise ValueError(msg)
    if share is not None:
        if not 0 <= float(share) <= 1:
            msg = f"share must be between 0 and 1 (got {share})"
            raise ValueError(msg)
        moved = int(round(float(share) * g.users))
    else:
        moved = int(users or 0)  # users is given: exactly one of the two is
        if not 0 <= moved <= g.users:
            msg = f"users to move must be between 0 and {g.users} (got {users})"
            raise ValueError(msg)
    new_name = new_name or f"{group}_adopters"
    if any(x.name == new_name for x in inputs.groups):
        msg = f"a group called '{new_name}' already exists; pass another new_name"
        raise ValueError(msg)
    new = replace(g, name=new_name, users=moved, row=None,
                  devices=None if g.devices is None else _part(g.devices, moved, g.users),
                  notes=f"{moved} of {g.users} users of {group}")
    old = replace(g, users=g.users - moved,
                  devices=None if g.devices is None else g.devices - (new.devices or 0))
    groups: list[Group] = []
    for x in inputs.groups:
        groups += [old, new] if x.name == group else [x]
    holdings: list[Holding] = []
    for h in inputs.holdings:
        if h.group != group:
            holdings.append(h)
            continue
        part = _part(h.quantity, moved, g.users)
        holdings += [replace(h, quantity=q, group=name, row=None)
                     for q, name in ((h.quantity - part, group), (part, new_name)) if q > 0]
    out = inputs.replace(groups=tuple(groups), holdings=tuple(holdings))
    if add_needs or remove_needs:
        out = with_changes(out, add_needs={new_name: list(add_needs)} if add_needs else None,
                           remove_needs={new_name: list(remove_needs)} if remove_needs else None,
                           catalog=catalog)
    return out


def catalog_without(products: Iterable[str] = (), kinds: Iterable[str] = (),
                    catalog: Catalog | None = None) -> Catalog:
    """A copy of the catalog in which some products cannot be bought.

    Use it to price a *path* the optimizer would not choose on its own, e.g. "Cloud Add-ons
    to SA only" (forbid kinds ``suite``, ``standalone``, ``step_up``) or "full USLs only"
    (forbid kind ``cloud_addon_sa``). Holdings of a forbidden product may still be kept;
    only new purchases, true-ups and step-ups of it are ruled out.

    Parameters
    ----------
    products : list of str, optional
        Product ids that cannot be bought.
    kinds : list of str, optional
        Product kinds (``suite``, ``standalone``, ``addon``, ``step_up``,
        ``cloud_addon_sa``, ``onprem_license``) that cannot be bought.
    catalog : Catalog, optional
        The catalog to start from (the shipped one by default; it is not modified).

    Returns
    -------
    Catalog
        Pass it as ``catalog=`` to :func:`planner.plan`, :func:`sweep` or :func:`need_costs`.

    Examples
    --------
    >>> import planner
    >>> from planner.examples import load_example
    >>> usl_only = catalog_without(kinds=["cloud_addon_sa"])
    >>> p = planner.plan(load_example("sa_platform"), at="renewal", catalog=usl_only,
    ...                  alternatives=False)
    >>> "m365_e3_addon_sa" in set(p.purchases["product"])
    False
    """
    catalog = catalog or load_catalog()
    products = set(_check_ids(list(products), catalog, "product"))
    kinds = set(kinds)
    known_kinds = {p.kind for p in catalog.items.values()}
    if kinds - known_kinds:
        msg = (f"unknown product kind(s) {sorted(kinds - known_kinds)}; "
               f"known: {', '.join(sorted(known_kinds))}")
        raise ValueError(msg)
    items = {pid: replace(p, available=False) if pid in products or p.kind in kinds else p
             for pid, p in catalog.items.items()}
    return replace(catalog, items=items)


# ---------------------------------------------------------------------------- tables

def _used(purchases: pd.DataFrame) -> pd.DataFrame:
    return purchases[purchases["action"] != "drop"]


def product_quantities(result: Plan, values: str = "quantity") -> dict[str, float]:
    """Product id -> units bought or kept [units], or their annual cost [currency/year].

    Units: dropped holdings do not count; a product bought and kept counts both. Cost:
    every row counts, so a running subscription that is dropped but still paid until it
    ends is included and the costs add up to the plan's ``annual_cost``.

    Parameters
    ----------
    result : Plan
    values : {"quantity", "annual_cost"}

    Returns
    -------
    dict
    """
    if values not in ("quantity", "annual_cost"):
        msg = "values must be 'quantity' or 'annual_cost'"
        raise ValueError(msg)
    rows = _used(result.purchases) if values == "quantity" else result.purchases
    return {str(k): float(v) for k, v in rows.groupby("product")[values].sum().items() if v}


def cost_by_product(result: Plan) -> pd.DataFrame:
    """A plan's annual cost per product, largest first; the costs add up to the plan's.

    A dropped holding appears only while it is still paid (a running subscription).

    Parameters
    ----------
    result : Plan

    Returns
    -------
    pandas.DataFrame
        Columns ``product``, ``product_name``, ``actions`` (e.g. ``keep, buy``),
        ``quantity`` bought or kept [units], ``annual_cost`` [currency/year], ``share`` of
        the plan's cost [fraction].

    Examples
    --------
    >>> import planner
    >>> from planner.examples import tiny_org
    >>> table = cost_by_product(planner.plan(tiny_org(), alternatives=False))
    >>> list(table.columns)
    ['product', 'product_name', 'actions', 'quantity', 'annual_cost', 'share']
    """
    rows = result.purchases[(result.purchases["action"] != "drop")
                            | (result.purchases["annual_cost"] > 0)].copy()
    rows["units"] = rows["quantity"].where(rows["action"] != "drop", 0)
    table = (rows.groupby(["product", "product_name"], as_index=False, sort=False)
             .agg(actions=("action", lambda s: ", ".join(dict.fromkeys(s))),
                  quantity=("units", "sum"), annual_cost=("annual_cost", "sum")))
    total = float(table["annual_cost"].sum())
    table["share"] = table["annual_cost"] / total if total else 0.0
    return table.sort_values("annual_cost", ascending=False, kind="stable").reset_index(drop=True)


def compare(plans: Mapping[str, Plan], values: str = "quantity") -> pd.DataFrame:
    """Several plans side by side, one row each.

    Parameters
    ----------
    plans : dict
        Label -> :class:`~planner.results.Plan`.
    values : {"quantity", "annual_cost"}
        What the product columns hold: units bought or kept [units], or their annual
        cost [currency/year].

    Returns
    -------
    pandas.DataFrame
        Indexed by label (``plan``); columns ``at``, ``status``, ``price_list``,
        ``annual_cost``, ``baseline_annual_cost``, ``committed_annual_cost``, ``savings``
        [currency/year], ``extra_vs_cheapest`` [currency/year], then one column per
        product used by any plan (catalog order; 0 where unused).

    Examples
    --------
    >>> import planner
    >>> from planner.examples import tiny_org
    >>> org = tiny_org()
    >>> table = compare({at: planner.plan(org, at=at, alternatives=False)
    ...                  for at in ("now", "renewal")})
    >>> list(table.index)
    ['now', 'renewal']
    >>> float(table["extra_vs_cheapest"].min())
    0.0
    """
    catalog = load_catalog()
    rows, used = [], {}
    for label, result in plans.items():
        used[label] = product_quantities(result, values)
        rows.append(dict(plan=label, at=result.at, status=result.status,
                         price_list=result.price_list, annual_cost=result.annual_cost,
                         baseline_annual_cost=result.baseline_annual_cost,
                         committed_annual_cost=result.committed_annual_cost,
                         savings=result.savings))
    table = pd.DataFrame(rows).set_index("plan")
    if len(table):
        table["extra_vs_cheapest"] = table["annual_cost"] - table["annual_cost"].min()
    products = _product_order({p for u in used.values() for p in u}, catalog)
    for p in products:
        table[p] = [used[label].get(p, 0.0) for label in table.index]
    return table


def _product_order(products: set[str], catalog: Catalog) -> list[str]:
    order = {p: i for i, p in enumerate(catalog.items)}
    return sorted(products, key=lambda p: (order.get(p, len(order)), p))


# ---------------------------------------------------------------------------- progress

class _TextProgress:
    """Minimal progress bar on stderr when tqdm is not installed."""

    EVERY = 1.0
    """Seconds between redraws (keeps notebook and CI logs short)."""

    def __init__(self, total: int, desc: str):
        self.total, self.desc, self.n = total, desc, 0
        self.start = time.perf_counter()
        self._last = -math.inf

    def update(self, n: int = 1) -> None:
        self.n += n
        done = int(20 * self.n / self.total) if self.total else 20
        now = time.perf_counter()
        if now - self._last >= self.EVERY or self.n == self.total:
            self._last = now
            bar = "#" * done + "." * (20 - done)
            sys.stderr.write(f"\r{self.desc} [{bar}] {self.n}/{self.total} "
                             f"{time.perf_counter() - self.start:.1f}s")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(total: int, desc: str, show: bool | None):
    """A progress bar (tqdm when installed) or None; ``show=None`` shows it past 10 points."""
    if show is False or (show is None and total <= 10):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _TextProgress(total, desc)
    return tqdm(total=total, desc=desc)


# ---------------------------------------------------------------------------- sweeps

def _points(grid: Mapping[str, Sequence] | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(grid, Mapping):
        keys = list(grid)
        for k in keys:
            if isinstance(grid[k], (str, bytes)) or not isinstance(grid[k], Iterable):
                msg = f"sweep values of '{k}' must be a list (got {grid[k]!r})"
                raise ValueError(msg)
        combos = itertools.product(*(list(grid[k]) for k in keys))
        return [dict(zip(keys, combo)) for combo in combos]
    points = [dict(p) for p in grid]
    if not points:
        msg = "the sweep has no points"
        raise ValueError(msg)
    return points


def _apply(inputs: OrgInputs, point: dict[str, Any], change: Callable[..., OrgInputs] | None,
           catalog: Catalog) -> tuple[OrgInputs, str | None]:
    """Inputs for one sweep point and its planning point ``at`` (None = the sweep's)."""
    kwargs: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    at = None
    for key, value in point.items():
        head, _, tail = key.partition(".")
        if key == "at":
            at = value
        elif key in SCALAR_PARAMETERS:
            kwargs[key] = value
        elif head in KEYED_PARAMETERS and tail:
            kwargs.setdefault(head, {})[tail] = value
        else:
            rest[key] = value
    if rest and change is None:
        msg = (f"unknown sweep parameter(s) {sorted(rest)}: use at, "
               f"{', '.join(SCALAR_PARAMETERS)}, users.<group> or prices.<product>, "
               "or pass change=f where f(inputs, **params) returns the changed inputs")
        raise ValueError(msg)
    if kwargs:
        inputs = with_changes(inputs, catalog=catalog, **kwargs)
    if change is not None:
        inputs = change(inputs, **rest)
        if not isinstance(inputs, OrgInputs):
            msg = f"change must return OrgInputs (got {type(inputs).__name__})"
            raise TypeError(msg)
    return inputs, at


PRICE_PARAMETERS = ("discount_pct", "price_list")
"""Scalar sweep keys that change only prices (with ``prices.<product>``)."""


def _price_only(point: Mapping[str, Any]) -> bool:
    return all(k in PRICE_PARAMETERS or k.startswith("prices.") for k in point)


def _price_sweeps(points: list[dict[str, Any]], applied: list[tuple[OrgInputs, str | None]],
                  change: Callable[..., OrgInputs] | None, at: str,
                  catalog: Catalog) -> dict[int, tuple[PriceSweep, int]]:
    """Point index -> (shared model, its index there) for the points planned from one model:
    those changing only prices, grouped by :func:`~planner.model.reprice.price_signature`
    (at least two a group; a group with a shortfall is left to :func:`planner.plan`)."""
    if change is not None:
        return {}
    classes: dict[tuple, list[int]] = {}
    for i, point in enumerate(points):
        if _price_only(point):
            signature = price_signature(Pricing.for_plan(applied[i][0], catalog, at))
            classes.setdefault(signature, []).append(i)
    out: dict[int, tuple[PriceSweep, int]] = {}
    for members in classes.values():
        if len(members) < 2:
            continue
        shared = PriceSweep([applied[i][0] for i in members], catalog, at)
        if shared.feasible:
            out.update({i: (shared, k) for k, i in enumerate(members)})
    return out


def sweep(inputs: OrgInputs, grid: Mapping[str, Sequence] | Sequence[Mapping[str, Any]],
          change: Callable[..., OrgInputs] | None = None, *, at: str = "now",
          values: str = "quantity", catalog: Catalog | None = None, solver: str | None = None,
          time_limit: float | None = None, progress: bool | None = None,
          errors: str = "record", reuse_model: bool = True) -> pd.DataFrame:
    """Solve the organization at every point of a parameter grid: a tidy table of results.

    Parameters
    ----------
    inputs : OrgInputs
        The organization every point starts from.
    grid : dict or list of dict
        ``{name: values}`` (every combination is solved, first key varying slowest) or an
        explicit list of points ``[{name: value, ...}, ...]``. Names understood directly:
        ``at`` (``now``/``renewal``), ``price_list``, ``discount_pct`` [%], ``as_of``,
        ``renewal_date``, ``users.<group>`` [users] and ``prices.<product>``
        [currency/unit/month]. Any other name is passed to ``change``.
    change : callable, optional
        ``change(inputs, **params) -> OrgInputs`` for the other names, e.g.
        ``lambda org, share: split_group(org, "staff", share, add_needs=["copilot"])``.
        Applied after the names understood directly.
    at : {"now", "renewal"}
        Planning point, unless the grid sweeps ``at``.
    values : {"quantity", "annual_cost"}
        What the product columns hold: units bought or kept [units] (default) or their
        annual cost [currency/year].
    catalog : Catalog, optional
        E.g. from :func:`catalog_without`; the shipped catalog by default.
    solver, time_limit
        As for :func:`planner.plan` (``time_limit`` per point [s]).
    progress : bool, optional
        Show a progress bar (tqdm if installed, else a line on stderr); by default only for
        sweeps of more than 10 points.
    errors : {"record", "raise"}
        A point with no compliant plan is recorded with status ``infeasible``, NaN costs
        and the reason in ``message`` (default), or raises :class:`NoCompliantPlan`.
    reuse_model : bool
        Plan the points that change only prices (``prices.<product>``, ``discount_pct``,
        ``price_list``; no ``change``, no swept ``at``) from one model per set of points
        that agree on which products can be bought (:mod:`planner.model.reprice`: options
        enumerated once, only the objective changed, each solve started from the last;
        the same tables, baseline and audit as :func:`planner.plan`). False plans every
        point from scratch.

    Returns
    -------
    pandas.DataFrame
        One row per point: the parameter columns, then ``at``, ``status``,
        ``annual_cost``, ``baseline_annual_cost``, ``committed_annual_cost``, ``savings``
        [currency/year], ``price_list``, ``message``, then one column per product used at
        any point (catalog order; 0 where unused). ``df.attrs["products"]`` lists the
        product columns. Swept ``at`` and ``price_list`` share the result columns of that
        name, which hold the values actually used.

    Raises
    ------
    ValueError
        For an unknown parameter name, or a parameter name equal to a product id.

    Notes
    -----
    Plans are solved without per-group alternatives (``alternatives=False``), which keeps
    a point to a few hundredths of a second for organizations of a few groups. A price
    sweep of a large organization reuses one model (``reuse_model``; docs/benchmarks.md,
    Price sweeps).

    Examples
    --------
    >>> from planner.examples import tiny_org
    >>> adoption = sweep(tiny_org(), {"share": [0, 0.5, 1]},
    ...                  lambda org, share: split_group(org, "office", share,
    ...                                                 add_needs=["copilot"]),
    ...                  at="renewal", progress=False)
    >>> adoption[["share", "copilot"]].values.tolist()
    [[0.0, 10.0], [0.5, 30.0], [1.0, 50.0]]
    """
    if at not in PLAN_AT:
        msg = f"at must be one of {PLAN_AT}"
        raise ValueError(msg)
    if errors not in ("record", "raise"):
        msg = "errors must be 'record' or 'raise'"
        raise ValueError(msg)
    catalog = catalog or load_catalog()
    points = _points(grid)
    names = list(dict.fromkeys(k for p in points for k in p))
    clash = [n for n in names
             if n in catalog.items or n in SWEEP_COLUMNS and n not in ("at", "price_list")]
    if clash:
        msg = f"sweep parameter name(s) {clash} clash with result columns; rename them"
        raise ValueError(msg)
    applied = [_apply(inputs, point, change, catalog) for point in points]
    fast = _price_sweeps(points, applied, change, at, catalog) if reuse_model else {}
    bar = _progress(len(points), "sweep", progress)
    rows: list[dict[str, Any]] = []
    used: list[Any] = []
    try:
        for i, point in enumerate(points):
            changed, point_at = applied[i]
            row: dict[str, Any] = {**point, "at": point_at or at}
            try:
                if i in fast:
                    shared, k = fast[i]
                    result = shared.plan(k, solver, time_limit)
                else:
                    result = plan(changed, at=row["at"], solver=solver, time_limit=time_limit,
                                  catalog=catalog, alternatives=False)
            except NoCompliantPlan as exc:
                if errors == "raise":
                    raise
                row.update(status="infeasible", annual_cost=math.nan,
                           baseline_annual_cost=math.nan, committed_annual_cost=math.nan,
                           savings=math.nan, price_list=point.get("price_list"),
                           message="; ".join(exc.lines()))
                used.append({})
            else:
                row.update(status=result.status, annual_cost=result.annual_cost,
                           baseline_annual_cost=result.baseline_annual_cost,
                           committed_annual_cost=result.committed_annual_cost,
                           savings=result.savings, price_list=result.price_list,
                           message="; ".join(result.messages))
                used.append(product_quantities(result, values))
            rows.append(row)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    params = [n for n in names if n not in SWEEP_COLUMNS]
    table = pd.DataFrame(rows, columns=params + SWEEP_COLUMNS)
    products = _product_order({p for u in used for p in u}, catalog)
    for p in products:
        table[p] = [u.get(p, 0.0) for u in used]
    table.attrs["products"] = products
    return table


def break_even(table: pd.DataFrame, x: str, cost: str, reference: str) -> float | None:
    """The smallest ``x`` at which ``cost`` is no higher than ``reference``.

    Between two grid points the crossing is found by linear interpolation, so the answer
    may lie between grid values.

    Parameters
    ----------
    table : pandas.DataFrame
        E.g. a :func:`sweep` result with two cost columns side by side.
    x : str
        The swept column (numbers).
    cost, reference : str
        The two cost columns [currency/year].

    Returns
    -------
    float or None
        ``x`` at the crossing; the first ``x`` when ``cost`` is never higher; None when
        ``cost`` stays above ``reference`` over the whole table.

    Examples
    --------
    >>> t = pd.DataFrame({"share": [0, 0.5, 1], "a": [100, 80, 60], "b": [50, 75, 100]})
    >>> round(break_even(t, "share", "a", "b"), 4)
    0.5556
    """
    data = table[[x, cost, reference]].dropna().sort_values(x)
    xs = data[x].astype(float).tolist()
    diff = (data[cost] - data[reference]).astype(float).tolist()
    for i, d in enumerate(diff):
        if d <= 0:
            if i == 0:
                return xs[0]
            x0, x1, d0 = xs[i - 1], xs[i], diff[i - 1]
            return x0 + (x1 - x0) * d0 / (d0 - d)
    return None


# ---------------------------------------------------------------------------- need prices

def _need_label(item: str | Sequence[str]) -> tuple[str, tuple[str, ...]]:
    ids = (item,) if isinstance(item, str) else tuple(item)
    return "+".join(ids), ids


def need_costs(inputs: OrgInputs, groups: Iterable[str] | None = None,
               needs: Iterable[str | Sequence[str]] | None = None, *, at: str = "now",
               catalog: Catalog | None = None, solver: str | None = None,
               time_limit: float | None = None, progress: bool | None = False) -> pd.DataFrame:
    """What each need of each group adds to the annual cost: "Copilot for sales costs X".

    The organization is solved once as it is and once per (group, need) with that need
    removed from that group only; the difference is the need's price in this plan,
    including every knock-on effect (a need can change the whole bundle, e.g. E5 + add-ons
    to E7). Dual values of the LP relaxation are not used: in an integer program with
    bundles they do not price a need reliably.

    Parameters
    ----------
    inputs : OrgInputs
        The organization.
    groups : list of str, optional
        Groups to price (default: every group with users).
    needs : list, optional
        Need ids, profile ids, or tuples of ids removed together (labelled ``a+b``).
        Default: every need of the group, one at a time (profiles expanded). Needs the
        group does not have are skipped.
    at : {"now", "renewal"}
        Planning point.
    catalog : Catalog, optional
    solver, time_limit
        As for :func:`planner.plan`.
    progress : bool, optional
        Progress bar, as for :func:`sweep` (off by default).

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``need``, ``users``, ``annual_cost_with``,
        ``annual_cost_without``, ``adds_annual_cost`` [currency/year] and
        ``adds_per_user`` [currency/user/year]. A need already paid for by running
        holdings adds 0 at ``now``.

    Raises
    ------
    NoCompliantPlan
        When the organization as given has no compliant plan.

    Examples
    --------
    >>> from planner.examples import tiny_org
    >>> table = need_costs(tiny_org(), groups=["analysts"], needs=["copilot"], at="renewal")
    >>> table[["group", "need", "adds_per_user"]].values.tolist()
    [['analysts', 'copilot', 360.0]]
    """
    if at not in PLAN_AT:
        msg = f"at must be one of {PLAN_AT}"
        raise ValueError(msg)
    catalog = catalog or load_catalog()
    names = list(groups) if groups is not None else [g.name for g in inputs.groups if g.users]
    for name in names:
        _check_group(inputs, name)
    base = plan(inputs, at=at, solver=solver, time_limit=time_limit, catalog=catalog,
                alternatives=False)
    jobs = []
    for name in names:
        g = inputs.group(name)
        have = catalog.expand_needs(g.needs)
        items = needs if needs is not None else have
        for item in items:
            label, ids = _need_label(item)
            removed = catalog.expand_needs(_check_ids(ids, catalog, "need"))
            if set(removed) <= set(have):
                jobs.append((g, label, ids))
    bar = _progress(len(jobs), "need costs", progress)
    rows = []
    try:
        for g, label, ids in jobs:
            changed = with_changes(inputs, remove_needs={g.name: ids}, catalog=catalog)
            without = plan(changed, at=at, solver=solver, time_limit=time_limit,
                           catalog=catalog, alternatives=False)
            adds = base.annual_cost - without.annual_cost
            rows.append(dict(group=g.name, need=label, users=g.users,
                             annual_cost_with=base.annual_cost,
                             annual_cost_without=without.annual_cost,
                             adds_annual_cost=round(adds, 2),
                             adds_per_user=round(adds / g.users, 2) if g.users else math.nan))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return pd.DataFrame(rows, columns=NEED_COST_COLUMNS)


__all__ = ["NEED_COST_COLUMNS", "SWEEP_COLUMNS", "break_even", "catalog_without", "compare",
           "cost_by_product", "monte_carlo", "need_costs", "product_quantities", "split_group",
           "sweep", "with_changes"]
