"""Microsoft 365 admin center: Users > Active users > Export users (CSV).

Microsoft does not document this file's columns; two header layouts are in circulation
(the current one starting ``Display name, DirSyncEnabled, User principal name, ...`` and
the alphabetical legacy one starting ``Block credential, City, Country/Region, ...``).
Both are read by header name. Used columns: ``User principal name`` (guests carry
``#EXT#``), ``Licenses`` (product display names joined by ``+``, localized to the
administrator's language; ``Unlicensed`` when none), ``Block credential`` (True = sign-in
blocked), ``Department``, ``Title``, ``Usage location``. Other columns are ignored.
"""
from __future__ import annotations

from planner.importer.readers import CsvTable, Problems
from planner.importer.skus import clean_text
from planner.importer.tenant import LicenceRef, Tenant, make_user, user_cells

UNLICENSED = {"unlicensed", "sin licencia", "nicht lizenziert", "sans licence", "sem licença"}
"""``Licenses`` values meaning "no licence" (English as documented; the others are the
plain translations, UNVERIFIED)."""


def is_active_users_csv(keys: frozenset[str]) -> bool:
    """Either layout of the Active users export."""
    return {"userprincipalname", "licenses"} <= keys and bool({"blockcredential", "displayname"} & keys)


def read_active_users(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Users and their licence names from an Active users export."""
    for row, cells in table.rows:
        check, upn, blocked = user_cells(table, row, cells, problems, "blockcredential")
        if not check.ok:
            continue
        names = table.cell(cells, "licenses")
        licences = () if clean_text(names).casefold() in UNLICENSED | {""} else (names,)
        tenant.add_user(make_user(
            upn, None if blocked is None else not blocked, "", table.cell(cells, "department"),
            table.cell(cells, "title"), table.cell(cells, "usagelocation"),
            LicenceRef("names", licences), "admin_center", table.file, row,
            table.column("licenses")), problems)
