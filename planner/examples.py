"""Small example organizations, built in code, for the README, the notebooks and the tests.

Each example is a plain definition (the same shape as a workbook: ``organization``,
``groups``, ``holdings``, ``prices``) turned into a validated-shape
:class:`~planner.input.organization.OrgInputs` by :func:`load_example`, or written as an organization
workbook by :func:`write_example` (the file :func:`planner.read_org` reads back to the same
inputs). Dates are fixed so that every example gives the same plan on every machine.

Examples
--------
>>> import planner
>>> from planner.examples import tiny_org, load_example
>>> result = planner.plan(tiny_org(), at="renewal", alternatives=False)
>>> result.status
'optimal'
>>> sorted(EXAMPLES)
['e5_to_e7', 'sa_platform', 'tiny']
"""
from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from planner.input.organization import OrgInputs
from planner.input.workbook import SHEETS
from planner.outputs import write_workbook

AS_OF = "2026-11-23"
"""Planning date of every example (after the 2026-07-01 list-price change)."""

ROW_SHEETS = ("groups", "holdings", "prices", "growth")
"""Sheets of a definition given as rows (internal names of :data:`planner.input.workbook.SHEETS`)."""


def _columns(sheet: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Internal name -> header of the columns ``rows`` of ``sheet`` are written with.

    The columns the template writes, in its order (:data:`planner.input.workbook.SHEETS`),
    then any other key the rows use (another column of the sheet, or an unknown one the
    validator warns about).
    """
    spec = SHEETS[sheet].columns
    columns = {c.name: c.header for c in spec if c.template}
    headers = {c.name: c.header for c in spec}
    for row in rows:
        columns.update({key: headers.get(key, key) for key in row if key not in columns})
    return columns

EXAMPLES: dict[str, dict[str, Any]] = {
    "tiny": {
        "description": "Three personas on a Microsoft 365 E3 subscription that ends at renewal: "
                       "office staff, analysts who need E5 security and Copilot, and "
                       "frontline workers.",
        "organization": {"name": "Tiny example", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-06-30"},
        "groups": [
            {"group": "office", "users": 40, "devices_per_user": 2,
             "primary_device": "windows_pro", "needs": "m365_e3_equivalent",
             "notes": "information workers on Windows laptops and phones"},
            {"group": "analysts", "users": 10, "devices_per_user": 2,
             "primary_device": "windows_pro", "needs": "m365_e5_equivalent, copilot",
             "notes": "need E5 security and compliance, and Copilot"},
            {"group": "store", "users": 25, "worker": "frontline", "devices_per_user": 1,
             "primary_device": "other", "needs": "frontline_basic",
             "notes": "shared tablets; Teams and device management only"},
        ],
        "holdings": [
            {"product": "m365_e3", "quantity": 50, "ends": "2027-06-30"},
        ],
        "prices": [],
    },
    "e5_to_e7": {
        "description": "One large information-worker group on Microsoft 365 E5 (subscription "
                       "running until renewal) considering Copilot, agent governance and "
                       "Entra Suite: E5 with add-ons or Microsoft 365 E7.",
        "organization": {"name": "E5 to E7 example", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-06-30"},
        "groups": [
            {"group": "staff", "users": 6200, "devices_per_user": 2,
             "primary_device": "windows_enterprise", "needs": "m365_e5_equivalent",
             "notes": "all employees; two Windows Enterprise devices each"},
        ],
        "holdings": [
            {"product": "m365_e5", "quantity": 6200, "ends": "2027-06-30"},
        ],
        "prices": [],
    },
    "sa_platform": {
        "description": "An on-premises desktop platform (Professional Desktop and Core CAL "
                       "Suite, both with Software Assurance until renewal) whose users now "
                       "need Microsoft 365 E3 capabilities: Cloud Add-ons to SA or full USLs.",
        "organization": {"name": "SA platform example", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-06-30"},
        "groups": [
            {"group": "all_users", "users": 1400, "devices_per_user": 1,
             "primary_device": "windows_enterprise", "needs": "m365_e3_equivalent",
             "notes": "one Windows Enterprise device each; many work remotely"},
        ],
        "holdings": [
            {"product": "professional_desktop", "quantity": 1400, "sa": "Y",
             "ends": "2027-06-30"},
            {"product": "core_cal_suite", "quantity": 1400, "sa": "Y", "ends": "2027-06-30"},
        ],
        "prices": [],
    },
}
"""Example name -> definition (workbook-shaped; dates as ISO text, flags as ``Y``/``N``)."""


def _definition(name: str) -> dict[str, Any]:
    try:
        return EXAMPLES[name]
    except KeyError:
        known = ", ".join(sorted(EXAMPLES))
        msg = f"unknown example '{name}'; known examples: {known}"
        raise KeyError(msg) from None


def from_definition(spec: dict[str, Any], source: str = "") -> OrgInputs:
    """Build validated :class:`~planner.input.organization.OrgInputs` from a workbook-shaped definition.

    The definition goes through the same reader and validator as a workbook
    (:func:`planner.input.workbook.raw_from_frames`, then
    :func:`planner.input.validate.validate_raw`): the same column spellings, defaults,
    conversions and catalog checks, so a misspelt need is the same located error.

    Parameters
    ----------
    spec : dict
        ``organization`` (field -> value), ``groups``, ``holdings`` and ``prices`` (lists
        of row dicts with the sheet's column names), as in :data:`EXAMPLES`.
    source : str, optional
        Recorded as :attr:`OrgInputs.source`.

    Returns
    -------
    OrgInputs

    Raises
    ------
    planner.errors.InputError
        Every problem, each with its sheet, row and column.
    """
    import dataclasses

    import pandas as pd

    from planner.input.validate import validate_raw
    from planner.input.workbook import raw_from_frames

    def frame(sheet: str) -> pd.DataFrame | None:
        rows = list(spec.get(sheet) or ())
        if not rows:
            return None
        columns = _columns(sheet, rows)
        return pd.DataFrame([[_cell(r.get(c)) for c in columns] for r in rows],
                            columns=list(columns.values()), dtype=object)

    organization = {k: _cell(v) for k, v in spec.get("organization", {}).items()}
    frames = {sheet: frame(sheet) for sheet in ROW_SHEETS}
    raw = raw_from_frames(frames["groups"], frames["holdings"], frames["prices"], organization,
                          frames["growth"])
    return dataclasses.replace(validate_raw(raw), source=source)


def load_example(name: str) -> OrgInputs:
    """The example organization ``name`` (one of :data:`EXAMPLES`), built in code.

    Parameters
    ----------
    name : str
        ``tiny``, ``e5_to_e7`` or ``sa_platform``.

    Returns
    -------
    OrgInputs

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> org = load_example("e5_to_e7")
    >>> org.group("staff").users
    6200
    """
    return from_definition(_definition(name), source=f"example:{name}")


def tiny_org() -> OrgInputs:
    """A small organization built in code: 40 office staff, 10 analysts, 25 frontline.

    The office staff need Microsoft 365 E3 capabilities, the analysts E5 and Copilot, the
    frontline workers Teams and device management; 50 Microsoft 365 E3 licences run until
    the renewal date (2027-06-30). Planning date 2026-11-23.

    Returns
    -------
    OrgInputs

    Examples
    --------
    >>> import planner
    >>> org = tiny_org()
    >>> [g.name for g in org.groups]
    ['office', 'analysts', 'store']
    >>> planner.plan(org, alternatives=False).annual_cost > 0
    True
    """
    return load_example("tiny")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, (list, tuple)):
        return ", ".join(value)
    return value


def write_example(name: str, path: str | os.PathLike) -> Path:
    """Write example ``name`` as an organization workbook (docs/nomenclature.md).

    Sheets ``Organization`` (``field``, ``value``), ``Groups``, ``Holdings`` and, when the
    example has any, ``Prices`` and ``Growth``, with the template's headers in its order. Dates are real Excel dates.

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.
    path : str or path-like
        Where to write (``.xlsx``); parent folders are created.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib, planner
    >>> out = write_example("tiny", pathlib.Path(tempfile.mkdtemp()) / "tiny.xlsx")
    >>> planner.read_org(out).group("office").users
    40
    """
    return write_definition(_definition(name), path)


def write_definition(spec: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write an organization definition (``organization``, ``groups``, ``holdings`` and
    optional ``prices``, as in :data:`EXAMPLES`) as an organization workbook (docs/nomenclature.md).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    import openpyxl

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    org = wb.active
    org.title = SHEETS["organization"].title
    org.append([c.header for c in SHEETS["organization"].columns])
    for key, value in spec["organization"].items():
        org.append([key, _cell(value)])
    for sheet in ROW_SHEETS:
        rows = spec.get(sheet) or []
        if not rows and sheet not in ("groups", "holdings"):
            continue
        ws = wb.create_sheet(SHEETS[sheet].title)
        columns = _columns(sheet, rows)
        ws.append(list(columns.values()))
        for row in rows:
            ws.append([_cell(row.get(c)) for c in columns])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    return write_workbook(wb, path, what="organization workbook")


def example_path(name: str, folder: str | os.PathLike | None = None) -> Path:
    """Path of example ``name`` as a workbook, written on first use.

    The package ships the examples as definitions, not files; this writes
    ``<folder>/<name>.xlsx`` (``folder`` defaults to ``planner-examples`` in the system
    temporary folder) and returns its path, so code that takes a workbook path can use it.

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.
    folder : str or path-like, optional
        Where to write the workbook.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import planner
    >>> planner.read_org(example_path("sa_platform")).org.name
    'SA platform example'
    """
    if folder is None:
        folder = Path(tempfile.gettempdir()) / "planner-examples"
    folder = Path(folder)
    return write_example(name, folder / f"{name}.xlsx")


__all__ = ["AS_OF", "EXAMPLES", "example_path", "from_definition", "load_example", "tiny_org",
           "write_example"]
