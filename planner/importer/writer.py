"""Write an :class:`~planner.importer.build.ImportResult` as ORG.xlsx.

The input sheets (Instructions, Organization, Groups, Holdings, Prices, hidden Lists)
come from the template writer (:func:`planner.input.template.build_template`), so the imported
workbook has the same header comments and dropdowns as a blank one and ``planner
validate`` reads it like any other. Three extra sheets follow, which ``planner solve``
ignores: Evidence, Unmapped and Findings. User names appear only on the Evidence sheet,
and not at all with ``names=False``. The file is written atomically and never over an
input.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from planner.report.layout import (
    COUNT_FORMAT,
    currency_format,
    fit_widths,
    format_table,
    put,
    style_header,
)
from planner.outputs import write_workbook as write_guarded
from planner.provenance import check_replaceable
from planner.input.template import ORGANIZATION_FIELDS, build_template, sheet_row
from planner.importer.build import ImportResult
from planner.importer.evidence import ONPREM_REASON
from planner.importer.feasibility import PER_KIND
from planner.importer.grouping import Persona

MAX_CELL = 32_000
"""Longest text written in one cell (Excel's limit is 32,767 characters)."""
MAX_GROUP_NOTE = 1_000
INTRODUCTION = (
    "planner input workbook, imported from a Microsoft 365 tenant",
    ("Built by 'planner import' from the tenant's exports. Review it before solving: every "
     "guess is stated in the Groups notes and the Organization notes, and the Evidence sheet "
     "shows which evidence made each need."),
    ("Sheets that 'planner solve' ignores: Evidence (per group: the evidence and, unless "
     "--no-user-names was given, the users), Unmapped (SKUs and licence names without a "
     "catalog product: not planned), Findings (unassigned seats, overlapping licences, "
     "licences on disabled users ..., with their annual cost at list price)."),
    "Check the workbook:   planner validate ORG.xlsx",
    ("Compute the plan:     planner solve ORG.xlsx -o ORG-plan.xlsx   (options: --at "
     "now|renewal, --json)"),
    "Browse the catalog:   planner catalog",
)
PER_KIND_MEANING = {
    "pcs_per_user": "PCs and Macs (and Cloud PCs) each user uses, from the Intune export "
                    "(the most of any member); install rights are counted per kind.",
    "tablets_per_user": "Tablets each user uses, from the Intune export (iPads, and devices "
                        "whose model reads like a tablet: a guess).",
    "phones_per_user": "Phones each user uses, from the Intune export.",
}
EVIDENCE_COLUMNS = {
    "group": "The group on the Groups sheet.",
    "item": "What was decided: a need, the worker kind, the primary device, the devices per "
            "user, the licences; 'users' rows list the group's members.",
    "value": "The decision (kept, dropped, added, or the value written).",
    "evidence": "Why: the licence or the report that decided it (or the user names).",
    "users": "How many of the group's users this applies to.",
    "user_names": "Which users, when not all of the group (omitted with --no-user-names).",
}
UNMAPPED_COLUMNS = {
    "sku": "skuPartNumber (or the licence name when no part number is known).",
    "sku_id": "skuId (GUID), when known.",
    "microsoft_name": "Microsoft's display name.",
    "owned": "prepaidUnits.enabled in subscribedSkus.",
    "assigned": "consumedUnits in subscribedSkus.",
    "users": "Users in the exports holding it.",
    "source": "Where it was found.",
    "note": "What happens to it.",
}
FINDING_COLUMNS = {
    "finding": "What was found.",
    "sku": "The SKU (skuPartNumber).",
    "product": "Its catalog product (blank: none).",
    "count": "Licences concerned.",
    "unit_price": "Monthly list price of the product on the planning date.",
    "annual_cost": "count x unit_price x 12 (list price; blank without a price).",
    "detail": "Details.",
}


def _chunks(names: list[str]) -> list[str]:
    """Comma-joined names, cut into cells of at most :data:`MAX_CELL` characters."""
    cells, current = [], ""
    for name in names:
        if current and len(current) + len(name) + 2 > MAX_CELL:
            cells.append(current)
            current = ""
        current = f"{current}, {name}" if current else name
    return cells + ([current] if current else [])


def group_notes(persona: Persona, min_group_size: int) -> str:
    """The guesses behind a group, for its ``notes`` cell (details on the Evidence sheet)."""
    parts = [f"NO COMPLIANT PRODUCT MIX in the catalog for {why}" for why in persona.blocked]
    if persona.folded:
        parts.append(f"folds personas of fewer than {min_group_size} users")
    for (item, value, reason), n in sorted(persona.evidence().items(),
                                           key=lambda kv: (-kv[1], kv[0])):
        if reason == ONPREM_REASON:
            continue
        if value in ("dropped", "added", "in error") or any(w in reason for w in ("assumed", "capped",
                                                                      "candidate", "confirm")):
            share = "all" if n == persona.users else f"{n} of {persona.users}"
            parts.append(f"{item} {value} for {share} ({reason})")
    text = "; ".join(parts) or "needs from the current licences"
    return text if len(text) <= MAX_GROUP_NOTE else text[:MAX_GROUP_NOTE - 30] + " ... (see Evidence)"


def _organization(result: ImportResult) -> list[tuple]:
    """(field, value) rows in the template's field order (its comments and checks follow
    that order); fields the import cannot know stay blank."""
    notes = " ".join(n if n.endswith(".") else n + "." for n in result.notes)
    values = {"name": result.account or "Imported tenant", "currency": "USD",
              "agreement": result.agreement, "renewal_date": result.renewal,
              "as_of": result.as_of, "discount_pct": 0, "notes": notes[:MAX_CELL]}
    rows = [(f.name, values.get(f.name)) for f in ORGANIZATION_FIELDS]
    named = {f.name for f in ORGANIZATION_FIELDS}
    return rows + [(k, v) for k, v in values.items() if k not in named]


def input_rows(result: ImportResult) -> dict[str, list[tuple]]:
    """Rows of the Organization, Groups, Holdings and Prices sheets."""
    groups = [sheet_row("Groups", group=p.name, users=p.users, worker=p.worker,
                        devices_per_user=p.devices_per_user, primary_device=p.primary_device,
                        needs=", ".join(p.needs_ids),
                        devices=None if p.devices == p.users * p.devices_per_user else p.devices,
                        notes=group_notes(p, result.min_group_size)) for p in result.personas]
    holdings = [sheet_row("Holdings", product=h.product, quantity=h.quantity, ends=h.ends)
                for h in result.holdings.rows]
    return {"Organization": _organization(result), "Groups": groups,
            "Holdings": holdings, "Prices": []}


def _per_kind_columns(ws, result: ImportResult) -> None:
    """PCs, tablets and phones per user from the device export, after the template's Groups
    columns (optional columns ``planner validate`` knows; absent without a device export)."""
    if all(p.per_kind() is None for p in result.personas):
        return
    first = ws.max_column + 1
    for offset, name in enumerate(PER_KIND):
        put(ws, 1, first + offset, name)
        for row, persona in enumerate(result.personas, start=2):
            kinds = persona.per_kind()
            put(ws, row, first + offset, None if kinds is None else kinds[offset])
    style_header(ws, PER_KIND_MEANING)
    ws.auto_filter.ref = f"A1:{get_column_letter(first + len(PER_KIND) - 1)}{len(result.personas) + 1}"
    fit_widths(ws)


def _table(wb: Workbook, title: str, columns: dict[str, str], rows: list[tuple],
           formats: dict[int, str] | None = None) -> None:
    ws = wb.create_sheet(title)
    for col, name in enumerate(columns, start=1):
        put(ws, 1, col, name)
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value, (formats or {}).get(col))
    format_table(ws, len(rows) + 1, columns)


def _evidence_rows(result: ImportResult, names: bool) -> list[tuple]:
    rows: list[tuple[str, str, str, str, int | None, str | None]] = []
    for persona in result.personas:
        by_reason: dict[tuple, list[str]] = {}
        for user, prof in persona.members:
            for entry in prof.evidence:
                by_reason.setdefault(entry, []).append(user.upn)
        for (item, value, reason), upns in sorted(by_reason.items()):
            partial = names and len(upns) < persona.users
            cells = _chunks(sorted(upns)) if partial else [None]
            rows.append((persona.name, item, value, reason, len(upns), cells[0]))
            rows += [(persona.name, item, value, reason, None, more) for more in cells[1:]]
        if names:
            members = _chunks(sorted(u.upn for u, _ in persona.members))
            rows += [(persona.name, "users", "members", "", persona.users if i == 0 else None, cell)
                     for i, cell in enumerate(members)]
    return rows


def build_workbook(result: ImportResult, catalog: Any, names: bool = True) -> Workbook:
    """ORG.xlsx as an in-memory workbook (see the module docstring)."""
    wb = build_template(catalog, result.as_of, input_rows(result), INTRODUCTION)
    _per_kind_columns(wb["Groups"], result)
    columns = dict(EVIDENCE_COLUMNS)
    if not names:
        columns.pop("user_names")
    rows = _evidence_rows(result, names)
    _table(wb, "Evidence", columns, [r[:len(columns)] for r in rows], {5: COUNT_FORMAT})
    _table(wb, "Unmapped", UNMAPPED_COLUMNS,
           [(u.sku, u.sku_id, u.name, u.owned, u.assigned, u.users, u.source, u.note)
            for u in result.unmapped], {4: COUNT_FORMAT, 5: COUNT_FORMAT, 6: COUNT_FORMAT})
    money = currency_format("USD")
    _table(wb, "Findings", FINDING_COLUMNS,
           [(f.finding, f.sku, f.product, f.count, f.unit_price, f.annual_cost, f.detail)
            for f in result.findings], {4: COUNT_FORMAT, 5: money, 6: money})
    return wb


def write_workbook(result: ImportResult, out: str | os.PathLike, catalog: Any = None,
                   names: bool = True, overwrite: bool = False) -> Path:
    """Write ORG.xlsx atomically (never over an input; an existing file only when planner
    wrote it and it is unchanged since, or with ``overwrite``).

    Raises
    ------
    planner.errors.InputError
        When ``out`` must be kept (see :func:`planner.provenance.check_replaceable`), is an
        input, or cannot be written.
    """
    out = Path(out)
    if out.resolve() not in {p.resolve() for p in result.inputs}:
        check_replaceable(out, force=overwrite)  # the rule of every command (--force)
    if catalog is None:
        from planner.catalog.load import load_catalog

        catalog = load_catalog()
    wb = build_workbook(result, catalog, names)
    return write_guarded(wb, out, inputs=result.inputs, what="organization workbook")
