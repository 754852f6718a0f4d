"""ORG.xlsx (or DataFrames built in a notebook) to raw, located rows.

This is the only module that knows how users spell sheets, columns and Organization
fields: :data:`SHEET_NAMES`, :data:`HEADER_MAP` and :data:`FIELD_NAMES` map every accepted
spelling to one internal name (the first spelling listed is the one the template writes).
Nothing here judges values; :mod:`planner.input.validate` does that on the :class:`RawOrg` this
module returns, whose rows keep their Excel row numbers and whose tables remember the
user's spelling of each header for messages.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import Issue
from planner.input.sheets import Limits, Table, find_sheet, normalise, open_workbook, read_table
from planner.table import scalar
from planner.vocabulary import AGREEMENTS, BILLING, PRIMARY_DEVICES, WORKER_KINDS

if TYPE_CHECKING:
    import pandas as pd


REQUIRED: Any = object()
"""The :attr:`Column.value` of a column that must be filled in."""

CHOICES: dict[str, tuple[str, ...]] = {
    "worker": WORKER_KINDS, "primary_device": PRIMARY_DEVICES, "agreement": AGREEMENTS,
    "billing": BILLING,
}
"""Rule -> the values an enumeration column accepts (from :mod:`planner.vocabulary`)."""

RULE_KINDS: dict[str, tuple[str, str]] = {
    "text": ("text", "[-]"),
    "count": ("whole number >= 0", "[-]"),
    "positive": ("whole number > 0", "[-]"),
    "money": ("number >= 0", "[currency/unit/month]"),
    "percent": ("number, 0 <= x < 100", "[%]"),
    "rate": ("number > 0", "[-]"),
    "fraction": ("number, 0 <= r < 1 (or text `5%`)", "[1/year]"),
    "date": ("date", "[date]"),
    "yes_no": ("Y/N", "[-]"),
    "currency": ("3-letter code", "[-]"),
    "product": ("catalog product id", "[-]"),
    "price_list": ("catalog price list id", "[-]"),
    "group": ("group name", "[-]"),
    "needs": ("capability or profile ids (see `planner catalog`), separated by commas or "
              "semicolons", "[-]"),
    **{rule: (" \\| ".join(f"`{v}`" for v in values), "[-]") for rule, values in CHOICES.items()},
}
"""Rule -> (type, unit) as docs/nomenclature.md shows them unless a column says more."""


def _shown(value: Any) -> str:
    """A default value as docs/nomenclature.md shows it."""
    if value is None:
        return "none"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return "`Y`" if value else "`N`"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


@dataclass(frozen=True)
class Column:
    """One input column (or Organization field), declared once for every use.

    The reader takes ``aliases`` (the first is the spelling the template writes); the
    validator's row models (:mod:`planner.input.validate`) are generated from the columns:
    a field ``name`` typed by ``rule`` whose default is ``value`` (:data:`REQUIRED`: none);
    the template writes the column with ``description`` as its comment and ``rule`` as its
    data validation; and docs/nomenclature.md shows ``kind``, ``unit``, ``description``,
    ``default`` and the aliases in the table :func:`nomenclature_table` generates (a test
    checks the docs). ``kind`` and ``unit`` default to the rule's (:data:`RULE_KINDS`),
    ``default`` to ``value`` as the docs show it.

    ``rule`` is one of ``text``, ``count`` (whole >= 0), ``positive`` (whole > 0),
    ``money``, ``percent``, ``fraction`` (0 <= r < 1), ``rate`` (> 0), ``date``,
    ``yes_no``, ``currency``, an enumeration of :mod:`planner.vocabulary` (``worker``,
    ``primary_device``, ``agreement``, ``billing``) or a catalog or workbook id
    (``product``, ``needs``, ``price_list``, ``group``). ``template`` is False for optional
    columns the template leaves out.
    """

    name: str
    aliases: tuple[str, ...]
    rule: str
    description: str
    value: Any = None
    default: str = ""
    kind: str = ""
    unit: str = ""
    template: bool = True

    def __post_init__(self) -> None:
        kind, unit = RULE_KINDS[self.rule]
        shown = "required" if self.required else _shown(self.value)
        for name, derived in (("kind", kind), ("unit", unit), ("default", shown)):
            if not getattr(self, name):
                object.__setattr__(self, name, derived)

    @property
    def required(self) -> bool:
        """Whether every row must fill this column in."""
        return self.value is REQUIRED

    @property
    def header(self) -> str:
        """The spelling the template writes and messages about a missing column use."""
        return self.aliases[0]


@dataclass(frozen=True)
class Sheet:
    """One input sheet: the titles it is known by and its columns, in template order."""

    name: str
    titles: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def title(self) -> str:
        """The title the template writes."""
        return self.titles[0]


ORGANIZATION = Sheet("organization", ("Organization", "Organisation", "Org"), (
    Column("field", ("field", "setting"), "text",
           "setting name; keep the names in this column as they are",
           REQUIRED, kind="Organization field name"),
    Column("value", ("value",), "text",
           "setting value; the comment on each setting name explains it",
           kind="as the field says"),
))
"""The Organization sheet: one ``field``, ``value`` row per field of :data:`FIELDS`."""

FIELDS: tuple[Column, ...] = (
    Column("name", ("name", "organization", "organisation"), "text",
           "organization name, shown on the plan", default="the file name without extension"),
    Column("currency", ("currency",), "currency",
           "currency of every price in the workbook (ISO 4217, e.g. USD, EUR)", "USD"),
    Column("agreement", ("agreement", "agreement type"), "agreement",
           "licensing agreement", "EA"),
    Column("renewal_date", ("renewal_date", "renewal date", "renewal"), "date",
           "next agreement renewal; required by `planner solve --at renewal` (checked there)"),
    Column("as_of", ("as_of", "as of", "planning date"), "date",
           "planning date", default="today"),
    Column("price_list", ("price_list", "price list"), "price_list",
           "price list for new purchases",
           default="none: the pipeline takes the list in force on the planning date"),
    Column("discount_pct", ("discount_pct", "discount %", "discount", "discount percent"),
           "percent",
           "discount off all list prices; a Prices row overrides it for its product", 0.0),
    Column("exchange_rate", ("exchange_rate", "exchange rate", "fx rate"), "rate",
           "only when `currency` is not the price list's currency (USD): how many units of "
           "`currency` one unit of the price list's currency is worth, e.g. `0.92` for `currency "
           "= EUR` when 1 USD = 0.92 EUR. List prices (and the discount on them) are multiplied "
           "by it; Prices rows are already in `currency` and are not converted. Shown on the "
           "plan's Summary as `1 USD = 0.92 EUR (rate of 2026-07-01)`",
           unit="[currency per price-list currency unit]"),
    Column("exchange_rate_date", ("exchange_rate_date", "exchange rate date", "fx rate date"),
           "date", "the day `exchange_rate` was taken; required with it"),
    Column("discount_rate", ("discount_rate", "discount rate", "yearly discount rate"),
           "fraction",
           "yearly rate that discounts the later periods of a timeline plan to today's money "
           "(`0.05` = 5 % a year); a value of 1 or more is an error",
           0.0, "`0` (costs added as they fall)"),
    Column("notes", ("notes", "assumptions", "comments"), "text",
           "assumptions and remarks, copied to the plan's Summary"),
    Column("billing", ("billing", "billing frequency"), "billing",
           "how annual-term subscriptions are billed; `monthly` adds 5% under CSP and MCA-E from "
           "2025-04-01 (catalog `rules/platform.csv`); on-premises licences and Prices rows are "
           "not raised", "annual", template=False),
    Column("holds_with_teams_suite",
           ("holds_with_teams_suite", "holds with-teams suite", "with teams"), "yes_no",
           "the organization already holds a with-Teams suite (M365 E3/E5, O365 E1/E3/E5 with "
           "Teams), so it may keep buying them; a customer new to the suites buys the (no Teams) "
           "SKU plus Teams Enterprise (since 2024-04-01)",
           default="derived: Y when Holdings has a with-Teams suite", template=False),
)
"""The Organization sheet's fields (its ``field`` column names them)."""

SHEETS: dict[str, Sheet] = {
    "organization": ORGANIZATION,
    "groups": Sheet("groups", ("Groups", "Personas"), (
        Column("group", ("group", "persona", "name"), "text",
               "name of the persona", REQUIRED, kind="text, unique (ignoring case)"),
        Column("users", ("users", "headcount"), "count",
               "headcount of the group", REQUIRED, unit="[users]"),
        Column("worker", ("worker", "worker kind", "worker type"), "worker",
               "`frontline` = meets the frontline eligibility criteria of the Product Terms "
               "(F1/F3 allowed)", "information"),
        Column("devices_per_user", ("devices_per_user", "devices per user"), "count",
               "work devices each user uses (PCs, tablets, phones)", 1, unit="[devices/user]"),
        Column("primary_device", ("primary_device", "primary device"), "primary_device",
               "OS licence of the user's primary work device (Windows Enterprise per user needs "
               "`windows_pro` or `windows_enterprise`)", "windows_pro"),
        Column("needs", ("needs", "need"), "needs",
               "what every user of the group must be licensed for: need or profile ids separated "
               "by commas (e.g. m365_e3_equivalent, copilot); at least one", REQUIRED),
        Column("devices", ("devices", "total devices", "shared devices"), "count",
               "total work devices of the group when devices are shared",
               default="`users * devices_per_user`", unit="[devices]"),
        Column("notes", ("notes", "note", "comment"), "text",
               "free text, copied to the plan", ""),
        Column("pcs_per_user", ("pcs_per_user", "pcs per user", "pcs/macs per user"), "count",
               "PCs and Macs each user uses; install rights count per kind (Office apps: 5 "
               "PCs/Macs + 5 tablets + 5 phones; Windows Enterprise: 5 PCs) and only for "
               "capabilities with install rights",
               default="all of `devices_per_user` when no per-kind column is given, else 0",
               unit="[devices/user]", template=False),
        Column("tablets_per_user", ("tablets_per_user", "tablets per user"), "count",
               "tablets each user uses", default="0", unit="[devices/user]", template=False),
        Column("phones_per_user", ("phones_per_user", "phones per user"), "count",
               "phones each user uses", default="0", unit="[devices/user]", template=False),
    )),
    "holdings": Sheet("holdings", ("Holdings", "Licenses", "Licences"), (
        Column("product", ("product", "product id"), "product",
               "what is held (a product id, SKU part number or product name)", REQUIRED),
        Column("quantity", ("quantity", "qty"), "positive",
               "how many licences are held", REQUIRED, unit="[licences]"),
        Column("group", ("group", "persona", "assigned to"), "group",
               "the group they are assigned to (must be on the Groups sheet; case is ignored); "
               "blank = a pool any group may use", default="blank (pool)",
               kind="group name or blank"),
        Column("sa", ("sa", "software assurance"), "yes_no",
               "Software Assurance active (on-premises licences)", False),
        Column("ends", ("ends", "end date", "end"), "date",
               "when the subscription or the SA coverage ends"),
        Column("paid_up", ("paid_up", "paid up"), "yes_no",
               "perpetual licence fully paid (only SA is still being paid)", False),
        Column("price_list", ("price_list", "price list", "priced by"), "price_list",
               "the price list the line was ordered under; under an EA/EAS added seats of the "
               "product keep this price until the renewal (price lock)",
               default="the list in force when the term began (`ends` less the agreement's term)",
               template=False),
    )),
    "prices": Sheet("prices", ("Prices", "Price overrides"), (
        Column("product", ("product", "product id"), "product",
               "the product priced", REQUIRED, kind="catalog product id, once per sheet"),
        Column("unit_price", ("unit_price", "unit price", "price"), "money",
               "price per user or device per month, in the workbook's `currency`", REQUIRED),
        Column("note", ("note", "notes", "comment"), "text",
               "where the price comes from", ""),
        Column("currency", ("currency",), "currency",
               "optional check column: when filled it must equal the Organization `currency`",
               default="blank", template=False),
    )),
    "growth": Sheet("growth", ("Growth", "Headcount growth"), (
        Column("group", ("group", "persona"), "group",
               "the group whose headcount changes; must be on the Groups sheet (case is ignored)",
               REQUIRED),
        Column("start", ("from", "start", "from date", "since"), "date",
               "the day from which `users` holds; one row per group and date", REQUIRED),
        Column("users", ("users", "headcount"), "count",
               "headcount of the group from that date on", REQUIRED, unit="[users]"),
    )),
}
"""Internal sheet name -> :class:`Sheet`, in the order the template writes them."""

SHEET_NAMES: dict[str, tuple[str, ...]] = {key: sheet.titles for key, sheet in SHEETS.items()}
"""Internal sheet name -> accepted sheet titles (compared with :func:`normalise`)."""

HEADER_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    key: {c.name: c.aliases for c in sheet.columns} for key, sheet in SHEETS.items()}
"""Internal sheet name -> internal column name -> accepted header spellings."""

FIELD_NAMES: dict[str, tuple[str, ...]] = {f.name: f.aliases for f in FIELDS}
"""Organization field name -> accepted spellings in the ``field`` column."""


DOCS_TABLE = re.compile(r"(<!-- columns: (\w+) -->\n)(.*?)(<!-- end columns -->)", re.S)
"""A generated table in docs/nomenclature.md (scripts/regen_nomenclature.py rewrites them)."""


def generated_docs(text: str) -> str:
    """``text`` (docs/nomenclature.md) with every generated column table rewritten."""
    return DOCS_TABLE.sub(lambda m: f"{m[1]}{nomenclature_table(m[2])}\n{m[4]}", text)


def nomenclature_table(sheet: str) -> str:
    """The Markdown table of docs/nomenclature.md for internal ``sheet`` (or ``fields``)."""
    columns = FIELDS if sheet == "fields" else SHEETS[sheet].columns
    lines = ["| name | type | unit | meaning | default | also |",
             "| --- | --- | --- | --- | --- | --- |"]
    for c in columns:
        also = ", ".join(f"`{a}`" for a in c.aliases[1:])
        default = "required" if c.default == "required" else c.default
        lines.append(f"| `{c.header}` | {c.kind} | {c.unit} | {c.description} | {default} | "
                     f"{also} |".replace("|  |", "| |"))
    return "\n".join(lines)


@dataclass
class RawOrg:
    """An organization workbook read but not yet validated.

    Attributes
    ----------
    file : str
        File name (not the full path); empty for DataFrames built in code.
    tables : dict
        Internal sheet name -> :class:`~planner.input.sheets.Table` whose row keys are internal
        column names (Organization ``field`` values are internal field names when known).
        Sheets that are absent, or whose header row is unusable, are left out.
    sheet_titles : tuple of str
        Titles of all sheets, as the user wrote them (for "sheets found" hints).
    issues : list of Issue
        Problems found while reading (unknown columns, error cells, merged cells ...).
    """

    file: str
    tables: dict[str, Table] = field(default_factory=dict)
    sheet_titles: tuple[str, ...] = ()
    issues: list[Issue] = field(default_factory=list)


def _lookup(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised spelling -> internal name."""
    return {normalise(s): name for name, aliases in spellings.items() for s in aliases}


def _sheet_title(wb, sheet: str) -> str | None:
    """Normalised title of the worksheet that holds internal ``sheet``, or None."""
    for alias in SHEET_NAMES[sheet]:
        if find_sheet(wb, normalise(alias)) is not None:
            return normalise(alias)
    return None


def _rename_columns(table: Table, sheet: str, issues: list[Issue]) -> None:
    """Key ``table``'s rows and spellings by internal column names, in place."""
    lookup = _lookup(HEADER_MAP[sheet])
    renamed: dict[str, str] = {}
    for col in list(table.spelled):
        internal = lookup.get(col)
        if internal is None:
            continue
        if internal in renamed:
            issues.append(table.issue(
                f"columns '{table.spelled[renamed[internal]]}' and '{table.spelled[col]}' both "
                f"mean {internal}; the second is ignored", 1, col, hint="keep one of them"))
            continue
        renamed[internal] = col
    table.spelled = {**table.spelled, **{i: table.spelled[c] for i, c in renamed.items()}}
    table.rows = [(row, {i: rec[c] for i, c in renamed.items()}) for row, rec in table.rows]
    by_spelling = {c: i for i, c in renamed.items()}
    table.reported = {(row, by_spelling[c]) for row, c in table.reported if c in by_spelling}


def _rename_fields(table: Table) -> None:
    """Replace known Organization field spellings by internal field names, in place."""
    lookup = _lookup(FIELD_NAMES)
    for _, record in table.rows:
        name = record.get("field")
        if name is not None:
            record["field"] = lookup.get(normalise(name), str(name).strip())


def _read_sheets(wb, file: str, limits: Limits | None = None) -> RawOrg:
    raw = RawOrg(file, sheet_titles=tuple(ws.title for ws in wb.worksheets))
    for sheet, columns in HEADER_MAP.items():
        title = _sheet_title(wb, sheet)
        if title is None:
            continue
        spellings = sorted({normalise(s) for aliases in columns.values() for s in aliases})
        table = read_table(wb, file, title, [], spellings, raw.issues, limits, must_exist=False)
        if table is None:
            continue
        _rename_columns(table, sheet, raw.issues)
        if sheet == "organization":
            _rename_fields(table)
        raw.tables[sheet] = table
    return raw


def read_workbook(path: str | os.PathLike, limits: Limits | None = None) -> RawOrg:
    """Read an organization workbook into raw, located rows.

    The file is opened read-only and never written.

    Parameters
    ----------
    path : str or path-like
        The ORG.xlsx workbook.
    limits : planner.input.sheets.Limits, optional
        Size limits (defaults from the environment).

    Returns
    -------
    RawOrg
        The sheets found, keyed by internal names, and the reading issues.

    Raises
    ------
    planner.errors.InputError
        When the file cannot be opened as a safe .xlsx workbook.
    """
    wb = open_workbook(path, limits, formulas=True)
    try:
        return _read_sheets(wb, Path(path).name, limits)
    finally:
        wb.close()


def _cell(value: Any) -> Any:
    """A DataFrame value as openpyxl accepts it (blank for NaN, text for lists)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return scalar(value)


def _add_sheet(wb, title: str, header: list[Any], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append([str(h) for h in header])
    for values in rows:
        ws.append([_cell(v) for v in values])


def raw_from_frames(groups: pd.DataFrame, holdings: pd.DataFrame | None = None,
                    prices: pd.DataFrame | None = None,
                    organization: dict[str, Any] | None = None,
                    growth: pd.DataFrame | None = None) -> RawOrg:
    """Raw rows from DataFrames built in code, read exactly like a workbook.

    The frames are laid out as sheets of an in-memory workbook (never saved), so column
    spellings, blank rows and value conversions follow the workbook rules; a row's
    number in issues is its position in the frame + 2, as if the frame started at Excel
    row 2 under a header row.

    Parameters
    ----------
    groups : pandas.DataFrame
        One row per group, columns as on the Groups sheet.
    holdings, prices : pandas.DataFrame, optional
        Rows of the Holdings and Prices sheets.
    organization : dict, optional
        Organization field -> value; row numbers follow the dict's order.
    growth : pandas.DataFrame, optional
        Rows of the Growth sheet (``group``, ``from``, ``users``).

    Returns
    -------
    RawOrg
        With an empty file name.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _add_sheet(wb, SHEET_NAMES["organization"][0], ["field", "value"],
               [[k, v] for k, v in (organization or {}).items()])
    frames = {"groups": groups, "holdings": holdings, "prices": prices, "growth": growth}
    for sheet, frame in frames.items():
        if frame is not None:
            _add_sheet(wb, SHEET_NAMES[sheet][0], list(frame.columns),
                       frame.astype(object).values.tolist())
    return _read_sheets(wb, "")
