"""Raw workbook rows to a validated :class:`~planner.input.organization.OrgInputs`, or every problem.

Each sheet's columns are declared once, in :data:`planner.input.workbook.SHEETS` (and
``FIELDS``); the row models here (``GroupRow``, ``HoldingRow``, ``PriceRow``,
``GrowthRow``, ``OrganizationFields``, each a :class:`RowModel`) are made from that
specification, giving each column the converter its ``rule`` names (:data:`RULE_CONVERTERS`),
and convert Excel cells robustly (``12.0`` is 12; text is stripped; TRUE in a number column
is an error). Rules that need the catalog or span rows and sheets are small ``check_*``
functions returning ``list[Issue]``. :func:`read_org` and :func:`org_from_frames` run them
all and raise one :class:`~planner.errors.InputError` listing every error, each located by
file, sheet, row and column; warnings travel in :attr:`OrgInputs.warnings`.
"""
from __future__ import annotations

import difflib
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from planner.catalog.load import Catalog, load_catalog
from planner.errors import InputError, Issue
from planner.input.checks import (check_agreement_size, check_counts, check_device_rights,
                                  check_ended_holdings, check_renewal_in_past, check_with_teams_answer)
from planner.input.dates import to_date
from planner.input.organization import Group, Growth, Holding, Organization, OrgInputs, PriceOverride
from planner.input.sheets import Table, normalise
from planner.input.workbook import (CHOICES, FIELDS, HEADER_MAP, SHEET_NAMES, SHEETS, Column, RawOrg,
                                    raw_from_frames, read_workbook)

if TYPE_CHECKING:
    import pandas as pd

LIST_SEPARATORS = re.compile(r"[,;\n]")
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0"}


# ------------------------------------------------------------------ cell converters

def _number(value: Any, what: str = "a number", hint: str = "") -> float:
    """A finite number from a numeric cell or numeric text; booleans are refused."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).upper()} is a yes/no value, not {what}")
    try:
        number = float(value if isinstance(value, (int, float)) else str(value).strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not {what}{hint}")
    return number


def _whole(minimum: int) -> Callable[[Any], int]:
    """Converter to a whole number >= ``minimum`` (12.0 is 12; 12.5 is an error)."""
    def convert(value: Any) -> int:
        number = _number(value, "a whole number")
        if not number.is_integer():
            raise ValueError(f"{value} is not a whole number")
        if number < minimum:
            raise ValueError(f"must be at least {minimum}, got {int(number)}")
        return int(number)
    return convert


def _amount(value: Any) -> float:
    number = _number(value, "a number", "; write the amount only, without a currency symbol")
    if number < 0:
        raise ValueError(f"must be at least 0, got {value}")
    return number


def _percent(value: Any) -> float:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    number = _number(value, "a percentage", "; write 15 or 15% for 15 %")
    if not 0 <= number < 100:
        raise ValueError(f"must be at least 0 and below 100 [%], got {value}")
    return number


def _rate(value: Any) -> float:
    number = _number(value, "an exchange rate", "; write the number only, e.g. 0.92")
    if number <= 0:
        raise ValueError(f"must be above 0, got {value}")
    return number


def _fraction(value: Any) -> float:
    """A yearly rate as a fraction, 0 <= r < 1 (``0.05`` or ``5%`` for 5 % a year)."""
    percent = isinstance(value, str) and value.strip().endswith("%")
    number = _number(value.strip().removesuffix("%") if percent else value,
                     "a fraction", "; write 0.05 (or 5%) for 5 % a year")
    number = number / 100 if percent else number
    if not 0 <= number < 1:
        raise ValueError(f"must be at least 0 and below 1 (a fraction per year: 0.05 = 5 %), "
                         f"got {value}")
    return number


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _currency(value: Any) -> str:
    text = _text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError(f"'{value}' is not a 3-letter currency code such as USD or EUR")
    return text


def _choice(values: tuple[str, ...]) -> Callable[[Any], str]:
    """Converter to one of ``values``, ignoring case, spaces and hyphens."""
    lookup = {normalise(v): v for v in values}

    def convert(value: Any) -> str:
        key = normalise(value)
        if isinstance(value, bool) or key not in lookup:
            raise ValueError(f"'{value}' is not one of {', '.join(values)}")
        return lookup[key]
    return convert


def _yes_no(value: Any) -> bool:
    key = _text(value).lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f"'{value}' is not Y or N")


def _id_list(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in LIST_SEPARATORS.split(str(value)) if p.strip()))


def _converted(rule: str) -> Callable[[Any], Any]:
    """The converter of a column ``rule``: an enumeration's values, else :data:`RULE_CONVERTERS`."""
    return _choice(CHOICES[rule]) if rule in CHOICES else RULE_CONVERTERS[rule]


RULE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": _text, "count": _whole(0), "positive": _whole(1), "money": _amount,
    "percent": _percent, "rate": _rate, "fraction": _fraction, "currency": _currency,
    "yes_no": _yes_no, "date": to_date, "needs": _id_list, "product": _text, "group": _text,
    "price_list": _text,
}
"""Column rule (:attr:`planner.input.workbook.Column.rule`) -> the converter of its cells
(the enumerations of :data:`planner.input.workbook.CHOICES` convert to one of their values).

A converter takes a non-blank cell and returns the value, or raises ``ValueError`` with
the message the user sees."""


# ------------------------------------------------------------------ column spec

class Row:
    """One converted row: an attribute per column of its sheet, read-only.

    Rows are built by :func:`convert`, cell by cell, so a blank cell takes the column's
    default and a bad cell is reported (and left None) without hiding the checks on the
    others.
    """

    __slots__ = ("_model", "_values")

    def __init__(self, model: RowModel, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._model.name} has no column {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._model.name} rows are read-only")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Row) and self._model is other._model
                and self._values == other._values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        cells = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{self._model.name}({cells})"


class RowModel:
    """A sheet's (or the Organization fields') columns, and how their cells convert.

    Parameters
    ----------
    name : str
        Name of the rows (``GroupRow``), shown in their repr.
    columns : tuple of Column
        The specification (:data:`planner.input.workbook.SHEETS`, ``FIELDS``): each column
        is converted by its ``rule`` (:data:`RULE_CONVERTERS`); one whose ``value`` is
        :data:`~planner.input.workbook.REQUIRED` is required, any other defaults to ``value``.
    doc : str
        What a row is.
    """

    def __init__(self, name: str, columns: tuple[Column, ...], doc: str) -> None:
        self.name, self.__doc__ = name, doc
        self.columns: dict[str, Column] = {c.name: c for c in columns}
        self.converters: dict[str, Callable[[Any], Any]] = {
            c.name: _converted(c.rule) for c in columns}

    @property
    def required(self) -> list[str]:
        """Names of the columns every row must fill in."""
        return [name for name, c in self.columns.items() if c.required]

    def __repr__(self) -> str:
        return f"RowModel({self.name!r}, {list(self.columns)})"


def row_values(row: Row) -> dict[str, Any]:
    """A converted row's values by column name (None for blank or bad cells without default)."""
    return dict(row._values)


OrganizationFields = RowModel("OrganizationFields", FIELDS,
                              "The Organization sheet's fields (one ``field``, ``value`` row each).")
GroupRow = RowModel("GroupRow", SHEETS["groups"].columns, "One Groups row: a persona.")
HoldingRow = RowModel("HoldingRow", SHEETS["holdings"].columns,
                      "One Holdings row: licences already owned or subscribed.")
PriceRow = RowModel("PriceRow", SHEETS["prices"].columns,
                    "One Prices row: a negotiated unit price [currency/unit/month].")
GrowthRow = RowModel("GrowthRow", SHEETS["growth"].columns,
                     "One Growth row: a group's headcount from a date on.")

ROW_MODELS: dict[str, RowModel] = {
    "groups": GroupRow, "holdings": HoldingRow, "prices": PriceRow, "growth": GrowthRow,
}
"""Internal sheet name -> row model of the sheets read row by row."""


def convert(model: RowModel, record: dict[str, Any]) -> tuple[Row, list[tuple[str, str]]]:
    """Convert one row's cells with the columns of ``model``.

    Parameters
    ----------
    model : RowModel
        A row model (:data:`ROW_MODELS` or :data:`OrganizationFields`).
    record : dict
        Internal column name -> cell value (None for blank).

    Returns
    -------
    row : Row
        The converted row; a blank cell takes its column's default, a bad or missing
        required one is None.
    errors : list of (str, str)
        ``(column, message)`` for each bad or missing required cell.
    """
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for name, column in model.columns.items():
        value = record.get(name)
        if value is None:
            if column.required:
                errors.append((name, "missing value; this column is required"))
            values[name] = None if column.required else column.value
            continue
        try:
            values[name] = model.converters[name](value)
        except ValueError as exc:
            values[name] = None
            errors.append((name, str(exc)))
    return Row(model, values), errors


@dataclass
class Parsed:
    """A sheet's rows converted by a row model.

    ``rows`` holds every row as ``(excel_row, model)`` (bad cells as None) for the checks;
    ``bad`` the Excel rows with at least one bad cell, which are not turned into inputs.
    """

    rows: list[tuple[int, Row]] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)

    @property
    def valid(self) -> list[tuple[int, Row]]:
        """The rows without a bad cell."""
        return [(row, r) for row, r in self.rows if row not in self.bad]


def parse_rows(table: Table, model: RowModel,
               absent: frozenset[str] = frozenset()) -> tuple[Parsed, list[Issue]]:
    """Convert every row of ``table`` with ``model``.

    Parameters
    ----------
    table : planner.input.sheets.Table
        Rows keyed by internal column names.
    model : RowModel
        A row model (:data:`ROW_MODELS`).
    absent : frozenset of str, optional
        Required columns the sheet lacks: reported once by :func:`check_columns`, so
        their cells are not reported again on every row (the rows are still bad).

    Returns
    -------
    parsed : Parsed
        All rows, and which ones have bad cells.
    issues : list of Issue
        One per bad cell, located by row and column.
    """
    parsed = Parsed()
    issues: list[Issue] = []
    for row, record in table.rows:
        converted, errors = convert(model, record)
        parsed.rows.append((row, converted))
        if errors:
            parsed.bad.add(row)
            issues += [table.issue(message, row, name) for name, message in errors
                       if name not in absent and (row, name) not in table.reported]
    return parsed, issues


@dataclass
class OrgSheet:
    """Where each Organization field was written, to locate issues about it."""

    file: str
    table: Table | None = None
    rows: dict[str, int] = field(default_factory=dict)

    def issue(self, name: str, message: str, hint: str | None = None,
              severity: str = "error") -> Issue:
        """An issue on the ``value`` cell of field ``name`` (the sheet only if not written)."""
        row = self.rows.get(name)
        if self.table is None:
            return Issue(message, self.file, SHEET_NAMES["organization"][0], hint=hint,
                         severity=severity)
        return self.table.issue(message, row, "value" if row else None, hint, severity)


# ------------------------------------------------------------------ checks

def _did_you_mean(close: str | None, valid: list[str] | None = None) -> str | None:
    if close:
        return f"did you mean '{close}'?"
    return "valid: " + ", ".join(valid) if valid else None


def check_columns(table: Table, model: RowModel, sheet: str | None = None) -> list[Issue]:
    """Errors for the required columns (fields without a default) ``table`` lacks.

    Each is named as the template writes it (the first spelling of ``sheet``'s column).
    """
    written = HEADER_MAP.get(sheet, {}) if sheet else {}
    return [table.issue(f"missing column '{written.get(name, (name,))[0]}'", 1,
                        hint="add this column to the header row")
            for name in model.required if name not in table.spelled]


def check_sheets(raw: RawOrg) -> list[Issue]:
    """An error when the Groups sheet is missing; a warning when Organization is."""
    present = {normalise(t) for t in raw.sheet_titles}

    def absent(sheet: str) -> bool:
        return not present & {normalise(t) for t in SHEET_NAMES[sheet]}

    issues = []
    if absent("groups"):
        issues.append(Issue(f"missing sheet '{SHEET_NAMES['groups'][0]}'", raw.file,
                            hint=f"sheets found: {', '.join(raw.sheet_titles) or 'none'}"))
    if absent("organization"):
        issues.append(Issue(f"no '{SHEET_NAMES['organization'][0]}' sheet; using the defaults",
                            raw.file, severity="warning"))
    return issues


def check_organization_fields(table: Table) -> list[Issue]:
    """Unknown fields (warning), duplicate fields and values without a field name."""
    issues: list[Issue] = []
    first: dict[Any, int] = {}
    known = list(OrganizationFields.columns)
    for row, record in table.rows:
        name = record.get("field")
        if name is None:
            issues.append(table.issue("value without a field name", row, "field"))
        elif name not in known:
            close = difflib.get_close_matches(normalise(name), known, n=1)
            issues.append(table.issue(f"unknown field '{name}' ignored", row, "field",
                                      _did_you_mean(close[0] if close else None, known),
                                      "warning"))
        elif name in first:
            issues.append(table.issue(f"duplicate field '{name}' (first given on row "
                                      f"{first[name]})", row, "field",
                                      "keep one row per field"))
        else:
            first[name] = row
    return issues


def check_price_list(org: Organization, where: OrgSheet, catalog: Catalog) -> list[Issue]:
    """An error when ``price_list`` is not a catalog price list id."""
    if org.price_list is None or org.price_list in catalog.price_lists:
        return []
    return [where.issue("price_list", f"unknown price list '{org.price_list}'",
                        _did_you_mean(catalog.suggest(org.price_list, "price_list"),
                                      catalog.price_list_ids()))]


def check_discount(org: Organization, where: OrgSheet) -> list[Issue]:
    """A warning for a discount below 1 %, which is usually a fraction meant as percent."""
    if not 0 < org.discount_pct < 1:
        return []
    return [where.issue("discount_pct",
                        f"discount_pct {org.discount_pct:g} is read as {org.discount_pct:g} %",
                        f"write {org.discount_pct * 100:g} for {org.discount_pct * 100:g} %",
                        "warning")]


def check_groups_present(table: Table) -> list[Issue]:
    """An error when the Groups sheet has no rows at all."""
    if table.rows:
        return []
    return [table.issue("no groups; add at least one row", hint="one row per persona")]


def check_group_names(table: Table, rows: list[tuple[int, Row]]) -> list[Issue]:
    """An error for each group name used twice (names compare ignoring case)."""
    issues: list[Issue] = []
    first: dict[Any, int] = {}
    for row, g in rows:
        key = g.group.casefold() if g.group else None
        if key is None:
            continue
        if key in first:
            issues.append(table.issue(f"duplicate group '{g.group}' (first on row {first[key]})",
                                      row, "group", "rename or merge one of them"))
        else:
            first[key] = row
    return issues


def check_needs(table: Table, rows: list[tuple[int, Row]], catalog: Catalog) -> list[Issue]:
    """An error for each need or profile id the catalog lacks, and for empty ``needs``."""
    issues = []
    for row, g in rows:
        if g.needs is None:
            continue
        if not g.needs:
            issues.append(table.issue("no needs; list at least one need or profile id", row,
                                      "needs", "separate ids with commas"))
        for token in g.needs:
            if _need_id(token, catalog) is None:
                issues.append(table.issue(f"unknown need '{token}'", row, "needs",
                                          _did_you_mean(catalog.suggest(token, "need"))))
    return issues


def _need_id(token: str, catalog: Catalog) -> str | None:
    key = token.strip().lower()
    return key if catalog.is_need(key) or key in catalog.profiles else None


def _product_ids(catalog: Catalog) -> dict[str, str]:
    """Normalised id, SKU part number or name -> product id (ambiguous spellings dropped)."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for pid, prod in catalog.items.items():
        for spelling in (pid, prod.sku, prod.name):
            if spelling:
                spellings[normalise(spelling)].add(pid)
    lookup = {key: ids.pop() for key, ids in spellings.items() if len(ids) == 1}
    lookup.update({normalise(pid): pid for pid in catalog.items})
    return lookup


def check_products(table: Table, rows: list[tuple[int, Any]], catalog: Catalog) -> list[Issue]:
    """An error for each ``product`` that is not a catalog product (id, SKU or name)."""
    lookup = _product_ids(catalog)
    return [table.issue(f"unknown product '{r.product}'", row, "product",
                        _did_you_mean(catalog.suggest(r.product, "product")))
            for row, r in rows if r.product and normalise(r.product) not in lookup]


def check_holding_groups(table: Table, rows: list[tuple[int, Any]], group_names: list[str],
                         otherwise: str = "leave blank for a shared pool") -> list[Issue]:
    """An error for each row (Holdings, Growth) naming a group not on the Groups sheet."""
    known = {g.casefold() for g in group_names}
    issues = []
    for row, h in rows:
        if h.group is not None and h.group.casefold() not in known:
            close = difflib.get_close_matches(h.group, group_names, n=1)
            hint = _did_you_mean(close[0] if close else None) or otherwise
            issues.append(table.issue(f"group '{h.group}' is not on the Groups sheet", row,
                                      "group", hint))
    return issues


def check_growth_rows(table: Table, rows: list[tuple[int, Row]]) -> list[Issue]:
    """An error for a group given two headcounts from the same date."""
    issues: list[Issue] = []
    first: dict[Any, int] = {}
    for row, g in rows:
        if g.group is None or g.start is None:
            continue
        key = (g.group.casefold(), g.start)
        if key in first:
            issues.append(table.issue(
                f"duplicate headcount for group '{g.group}' from {g.start.isoformat()} "
                f"(first on row {first[key]})", row, "start", "keep one row per group and date"))
        else:
            first[key] = row
    return issues


def check_price_rows(table: Table, rows: list[tuple[int, Row]], currency: str,
                     catalog: Catalog) -> list[Issue]:
    """Errors for a product priced twice and for a row currency other than ``currency``."""
    lookup = _product_ids(catalog)
    issues: list[Issue] = []
    first: dict[Any, int] = {}
    for row, p in rows:
        pid = lookup.get(normalise(p.product)) if p.product else None
        if pid in first:
            issues.append(table.issue(f"duplicate price for '{p.product}' (first on row "
                                      f"{first[pid]})", row, "product",
                                      "keep one row per product"))
        elif pid:
            first[pid] = row
        if p.currency is not None and p.currency != currency:
            issues.append(table.issue(
                f"currency {p.currency} differs from the Organization currency {currency}",
                row, "currency", "prices must be in the workbook's currency"))
    return issues


def list_currency(org: Organization, catalog: Catalog) -> tuple[str, str]:
    """Id and currency of the price list in use (``price_list``, else the one in force)."""
    chosen = (org.price_list if org.price_list in catalog.price_lists
              else catalog.default_price_list(org.as_of))
    return chosen, catalog.price_lists[chosen].currency


def check_exchange_rate(org: Organization, where: OrgSheet, catalog: Catalog) -> list[Issue]:
    """An error for a rate without its date; warnings for a rate or date that is ignored."""
    _, currency = list_currency(org, catalog)
    if org.exchange_rate is None:
        if org.exchange_rate_date is None:
            return []
        return [where.issue("exchange_rate_date", "exchange_rate_date without exchange_rate "
                            "is ignored", severity="warning")]
    if org.exchange_rate_date is None:
        return [where.issue("exchange_rate", "exchange_rate needs exchange_rate_date, the day "
                            "the rate was taken", "add a row exchange_rate_date (YYYY-MM-DD)")]
    if org.currency == currency:
        return [where.issue("exchange_rate", f"exchange_rate is ignored: currency {org.currency} "
                            "is the price list's currency", severity="warning")]
    return []


def check_currency_coverage(org: Organization, where: OrgSheet, holdings: tuple[Holding, ...],
                            prices: tuple[PriceOverride, ...], catalog: Catalog) -> list[Issue]:
    """Whether products can be priced in the workbook currency.

    Catalog price lists are in USD. When ``currency`` differs from the list's
    (``price_list``, else the list in force on ``as_of``), an ``exchange_rate``
    converts the list prices (a bad one is reported on its cell). Without one, only Prices rows
    give prices in the workbook currency: an error when the Prices sheet is empty or misses a held product; else a
    warning, since ``planner solve`` stops at the first product it must price without a
    Prices row.
    """
    chosen, currency = list_currency(org, catalog)
    if org.currency == currency or "exchange_rate" in where.rows:
        return []  # converted, or a bad rate that is reported on its own
    fix = (f"give exchange_rate ({org.currency} per 1 {currency}) and exchange_rate_date, "
           "or price every product on the Prices sheet")
    unpriced = sorted({h.product for h in holdings} - {p.product for p in prices})
    if not prices:
        return [where.issue("currency", f"currency {org.currency} differs from the "
                            f"{currency} of price list {chosen} and no exchange_rate is given",
                            fix)]
    if unpriced:
        return [where.issue("currency", f"currency {org.currency} differs from the "
                            f"{currency} of price list {chosen}, no exchange_rate is given and "
                            f"held products have no Prices row: {', '.join(unpriced)}", fix)]
    return [where.issue("currency", f"no exchange_rate for {org.currency}: only products on "
                        f"the Prices sheet can be priced; planner solve stops if the plan "
                        f"needs another one", fix, severity="warning")]


def check_sa_backing(table: Table, holdings: tuple[Holding, ...], catalog: Catalog) -> list[Issue]:
    """An error on each Cloud Add-on row when add-ons outnumber their SA-covered licences.

    Cloud Add-ons to SA (kind ``cloud_addon_sa``) need as many on-premises licences of the
    family named by their ``sa_backing`` with active SA (``sa`` = Y).
    """
    addons: dict[str, list[Holding]] = defaultdict(list)
    covered: dict[str, int] = defaultdict(int)
    for h in holdings:
        prod = catalog.items[h.product]
        if prod.kind == "cloud_addon_sa":
            addons[prod.sa_backing].append(h)
        elif h.sa and prod.family:
            covered[prod.family] += h.quantity
    issues = []
    for family, held in addons.items():
        total = sum(h.quantity for h in held)
        if total <= covered[family]:
            continue
        products = sorted({h.product for h in held})
        what = products[0] if len(products) == 1 else f"Cloud Add-ons ({', '.join(products)})"
        issues += [table.issue(f"{total} {what} held but only {covered[family]} SA-covered "
                               f"{family} licences", h.row, "quantity",
                               f"hold {family} licences with sa = Y for every add-on")
                   for h in held]
    return issues


# ------------------------------------------------------------------ assembly

def _organization(raw: RawOrg, issues: list[Issue]) -> tuple[Organization, OrgSheet]:
    table = raw.tables.get("organization")
    where = OrgSheet(raw.file, table)
    record: dict[str, Any] = {}
    if table is not None:
        issues += check_organization_fields(table)
        for row, rec in table.rows:
            name = rec.get("field")
            if name in OrganizationFields.columns and name not in where.rows:
                where.rows[name] = row
                record[name] = rec.get("value")
    fields, errors = convert(OrganizationFields, record)
    issues += [where.issue(name, message) for name, message in errors]
    values = {k: v for k, v in row_values(fields).items() if v is not None}
    values.setdefault("name", Path(raw.file).stem or Organization.name)
    return Organization(**values), where


def _sheet_rows(raw: RawOrg, sheet: str, issues: list[Issue]) -> tuple[Table | None, Parsed]:
    """A sheet's table and rows (no rows when it is missing)."""
    table = raw.tables.get(sheet)
    if table is None:
        return None, Parsed()
    model = ROW_MODELS[sheet]
    issues += check_columns(table, model, sheet)
    absent = frozenset(name for name in model.columns if name not in table.spelled)
    parsed, row_issues = parse_rows(table, model, absent)
    issues += row_issues
    return table, parsed


def _groups(table: Table | None, parsed: Parsed, catalog: Catalog,
            issues: list[Issue]) -> tuple[Group, ...]:
    if table is None:
        return ()
    issues += check_groups_present(table)
    issues += check_group_names(table, parsed.rows)
    issues += check_needs(table, parsed.rows, catalog)
    groups = []
    for row, g in parsed.valid:
        needs = tuple(_need_id(t, catalog) for t in g.needs or ())
        if needs and all(needs):
            groups.append(Group(
                name=g.group, users=g.users, worker=g.worker, devices_per_user=g.devices_per_user,
                primary_device=g.primary_device, needs=tuple(n for n in needs if n), devices=g.devices,
                notes=g.notes, row=row, pcs_per_user=g.pcs_per_user,
                tablets_per_user=g.tablets_per_user, phones_per_user=g.phones_per_user))
    return tuple(groups)


def _holdings(table: Table | None, parsed: Parsed, group_names: list[str] | None,
              catalog: Catalog, issues: list[Issue]) -> tuple[Holding, ...]:
    if table is None:
        return ()
    issues += check_products(table, parsed.rows, catalog)
    if group_names is not None:  # without a usable Groups sheet, that is the one error
        issues += check_holding_groups(table, parsed.rows, group_names)
    lookup, canonical = _product_ids(catalog), {g.casefold(): g for g in group_names or ()}
    for row, h in parsed.rows:
        if h is not None and h.price_list and h.price_list not in catalog.price_lists:
            issues.append(table.issue(f"unknown price list '{h.price_list}'", row, "price_list",
                                      "known: " + ", ".join(catalog.price_list_ids())))
    return tuple(
        Holding(product=pid, quantity=h.quantity,
                group=canonical.get(h.group.casefold()) if h.group else None,
                sa=h.sa, ends=h.ends, paid_up=h.paid_up, row=row, price_list=h.price_list)
        for row, h in parsed.valid if (pid := lookup.get(normalise(h.product))))


def _prices(table: Table | None, parsed: Parsed, currency: str,
            catalog: Catalog, issues: list[Issue]) -> tuple[PriceOverride, ...]:
    if table is None:
        return ()
    issues += check_products(table, parsed.rows, catalog)
    issues += check_price_rows(table, parsed.rows, currency, catalog)
    lookup = _product_ids(catalog)
    return tuple(PriceOverride(pid, p.unit_price, p.note, row)
                 for row, p in parsed.valid if (pid := lookup.get(normalise(p.product))))


def _growth(table: Table | None, parsed: Parsed, group_names: list[str] | None,
            issues: list[Issue]) -> tuple[Growth, ...]:
    if table is None:
        return ()
    if group_names is not None:
        issues += check_holding_groups(table, parsed.rows, group_names,
                                       "name a group of the Groups sheet")
    issues += check_growth_rows(table, parsed.rows)
    canonical = {g.casefold(): g for g in group_names or ()}
    return tuple(sorted(
        (Growth(canonical[g.group.casefold()], g.start, g.users, row)
         for row, g in parsed.valid if g.group.casefold() in canonical),
        key=lambda g: (g.group, g.start)))


def _sorted(issues: list[Issue], raw: RawOrg) -> list[Issue]:
    """Issues in sheet order (Organization, Groups, Holdings, Prices, Growth), then by row."""
    order = {t.sheet: n for n, t in enumerate(raw.tables.values())}
    return sorted(issues, key=lambda i: (i.sheet is not None,
                                         order.get(i.sheet or "", len(order)), i.row or 0))


def validate_raw(raw: RawOrg, catalog: Catalog | None = None,
                 strict: bool = False) -> OrgInputs:
    """Validate raw rows into :class:`~planner.input.organization.OrgInputs`.

    Parameters
    ----------
    raw : planner.input.workbook.RawOrg
        What :func:`planner.input.workbook.read_workbook` or
        :func:`planner.input.workbook.raw_from_frames` returned.
    catalog : planner.catalog.load.Catalog, optional
        The catalog ids are checked against (the shipped one by default).
    strict : bool
        Treat every warning as an error (``--strict``).

    Returns
    -------
    OrgInputs
        With the warnings as text in ``warnings``.

    Raises
    ------
    planner.errors.InputError
        Listing every error found, each with file, sheet, row and column.
    """
    catalog = catalog or load_catalog()
    issues = list(raw.issues) + check_sheets(raw)
    org, where = _organization(raw, issues)
    issues += check_price_list(org, where, catalog) + check_discount(org, where)
    issues += check_renewal_in_past(org, where)
    group_table, group_rows = _sheet_rows(raw, "groups", issues)
    groups = _groups(group_table, group_rows, catalog, issues)
    # Every name written counts, even on a row with a bad cell: that row is reported once.
    group_names = ([g.group for _, g in group_rows.rows if g.group]
                   if group_table is not None and "group" in group_table.spelled else None)
    holding_table, holding_rows = _sheet_rows(raw, "holdings", issues)
    holdings = _holdings(holding_table, holding_rows, group_names, catalog, issues)
    price_table, price_rows = _sheet_rows(raw, "prices", issues)
    prices = _prices(price_table, price_rows, org.currency, catalog, issues)
    growth_table, growth_rows = _sheet_rows(raw, "growth", issues)
    growth = _growth(growth_table, growth_rows, group_names, issues)
    issues += check_exchange_rate(org, where, catalog)
    issues += check_currency_coverage(org, where, holdings, prices, catalog)
    if holding_table is not None:
        issues += check_sa_backing(holding_table, holdings, catalog)
    issues += check_ended_holdings(holding_table, holdings, org, catalog)
    issues += check_with_teams_answer(org, where, holdings, catalog)
    issues += check_device_rights(group_table, groups, catalog)
    issues += check_agreement_size(org, where, groups, catalog)
    issues += check_counts(group_table, groups, holding_table, holdings)
    issues = _sorted(issues, raw)
    if strict:
        issues = [replace(i, severity="error") for i in issues]
    if any(i.severity == "error" for i in issues):
        raise InputError(issues)
    return OrgInputs(org=org, groups=groups, holdings=holdings, prices=prices, growth=growth,
                     source=raw.file, warnings=tuple(str(i) for i in issues))


def read_org(path: str | os.PathLike, catalog: Catalog | None = None,
             strict: bool = False) -> OrgInputs:
    """Read and validate an organization workbook (ORG.xlsx); the file is never written.

    Parameters
    ----------
    path : str or path-like
        The workbook, or a folder of CSV files named like its sheets (or one such
        ``.csv`` file; see :mod:`planner.input.csv_sheets`).
    catalog, strict
        As for :func:`validate_raw`.

    Returns
    -------
    OrgInputs
        The validated organization; ``source`` is the file name.

    Raises
    ------
    planner.errors.InputError
        Listing every error in the file (exit code 2).
    """
    from planner.input.csv_sheets import is_csv_input, read_csv_inputs

    raw = read_csv_inputs(path) if is_csv_input(path) else read_workbook(path)
    return validate_raw(raw, catalog, strict)


def org_from_frames(groups: pd.DataFrame, holdings: pd.DataFrame | None = None,
                    prices: pd.DataFrame | None = None,
                    organization: dict[str, Any] | None = None,
                    catalog: Catalog | None = None, strict: bool = False,
                    growth: pd.DataFrame | None = None) -> OrgInputs:
    """Validate an organization built in code, with exactly the workbook's rules.

    Issues name the sheet the frame stands for and row = position in the frame + 2.

    Parameters
    ----------
    groups : pandas.DataFrame
        Columns as on the Groups sheet (``group``, ``users``, ``needs``, ...); ``needs``
        may hold lists of ids.
    holdings, prices : pandas.DataFrame, optional
        Columns as on the Holdings and Prices sheets.
    organization : dict, optional
        Organization field -> value (``currency``, ``as_of``, ...).
    catalog, strict
        As for :func:`validate_raw`.
    growth : pandas.DataFrame, optional
        Columns as on the Growth sheet (``group``, ``from``, ``users``).

    Returns
    -------
    OrgInputs
        With an empty ``source``.

    Raises
    ------
    planner.errors.InputError
        Listing every error found.
    """
    return validate_raw(raw_from_frames(groups, holdings, prices, organization, growth),
                        catalog, strict)
