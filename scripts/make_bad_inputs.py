"""Write the corpus of bad and hostile input workbooks under tests/bad_inputs/.

Each case starts from one small valid organization workbook (:func:`base_sheets`) and
breaks exactly one thing, or replaces the file with hostile bytes (zip bomb, billion
laughs, encrypted container ...). ``tests/bad_inputs/expected.json`` lists, for every
file, what it exercises, the exit code ``planner solve`` must return (always 2), how
many error lines stderr must hold and a fragment each line must contain in order
(file, sheet, row, column and message).

The output is deterministic: the same script writes byte-identical files (fixed zip
timestamps and document properties), so ``git diff`` shows only deliberate changes.

Run ``python scripts/make_bad_inputs.py`` from the repository root; the files are
committed and are what ``tests/input/test_bad_inputs.py`` reads. Cases that would be big
uncompressed (the 100,000-row sheet, the zip bombs) are small compressed files.
"""
from __future__ import annotations

import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "bad_inputs"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_STAMP = "2026-01-01T00:00:00Z"

GROUP_COLUMNS = ["group", "users", "worker", "devices_per_user", "primary_device", "needs"]
HOLDING_COLUMNS = ["product", "quantity", "group", "sa", "ends", "paid_up"]


def base_sheets() -> dict[str, list[list]]:
    """The valid organization every case varies: sheet title -> rows (header first)."""
    return {
        "Organization": [
            ["field", "value"],
            ["name", "Tiny Corp"],
            ["currency", "USD"],
            ["agreement", "EA"],
            ["as_of", date(2026, 11, 23)],
            ["renewal_date", date(2027, 6, 30)],
        ],
        "Groups": [
            GROUP_COLUMNS,
            ["staff", 10, "information", 1, "windows_pro", "m365_e3_equivalent"],
            ["shop_floor", 20, "frontline", 1, "other", "frontline_basic"],
            ["sales", 5, "information", 2, "windows_pro", "m365_e3_equivalent, copilot"],
        ],
        "Holdings": [
            HOLDING_COLUMNS,
            ["m365_e3", 10, "staff", "N", date(2027, 6, 30), "N"],
        ],
    }


# ------------------------------------------------------------------ writing helpers

def _workbook(sheets: dict[str, list[list]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    return wb


def _deterministic(data: bytes, patch: dict[str, Callable[[bytes], bytes]] | None = None,
                   extra: dict[str, bytes] | None = None) -> bytes:
    """Re-zip ``data`` with fixed timestamps, patching or adding parts on the way."""
    patch = patch or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", FIXED_STAMP.encode(), body)
            if info.filename in patch:
                body = patch[info.filename](body)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
        for name, body in (extra or {}).items():
            dst.writestr(zipfile.ZipInfo(name, FIXED_TIME), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx(sheets: dict[str, list[list]] | None = None,
         edit: Callable[[openpyxl.Workbook], None] | None = None,
         patch: dict[str, Callable[[bytes], bytes]] | None = None,
         extra: dict[str, bytes] | None = None) -> bytes:
    """A workbook's bytes from ``sheets`` (default: the base), optionally edited."""
    wb = _workbook(sheets if sheets is not None else base_sheets())
    if edit:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue(), patch, extra)


def sheet_part(index: int) -> str:
    """Zip part of the ``index``-th sheet (1-based) as openpyxl writes it."""
    return f"xl/worksheets/sheet{index}.xml"


def with_cell(sheet: str, row: int, column: str, value) -> dict[str, list[list]]:
    """The base sheets with one cell (by header name) set to ``value``."""
    sheets = base_sheets()
    rows = sheets[sheet]
    rows[row - 1][rows[0].index(column)] = value
    return sheets


def with_rows(sheet: str, *rows: list) -> dict[str, list[list]]:
    """The base sheets with ``rows`` appended to ``sheet``."""
    sheets = base_sheets()
    sheets[sheet].extend(rows)
    return sheets


def replace_cell(ref: str, cell_xml: str) -> Callable[[bytes], bytes]:
    """A sheet-XML patch replacing the ``<c r="ref">`` element by ``cell_xml``."""
    def apply(body: bytes) -> bytes:
        pattern = rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)'
        new, count = re.subn(pattern, cell_xml.encode(), body, count=1)
        assert count == 1, ref
        return new
    return apply


def with_entities(declaration: str, use: str) -> Callable[[bytes], bytes]:
    """A patch adding a DOCTYPE with ``declaration`` and a cell text using ``use``."""
    def apply(body: bytes) -> bytes:
        body = body.replace(b"<worksheet", f"<!DOCTYPE worksheet [{declaration}]>\n<worksheet"
                            .encode(), 1)
        return re.sub(rb'<c r="A2"[^>]*?>.*?</c>',
                      f'<c r="A2" t="inlineStr"><is><t>{use}</t></is></c>'.encode(), body,
                      count=1)
    return apply


def big_sheet(rows: int) -> bytes:
    """Groups sheet XML with ``rows`` data rows (written directly: small when zipped)."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:F{rows + 1}"/><sheetData>'
            '<row r="1">' + "".join(
                f'<c r="{c}1" t="inlineStr"><is><t>{name}</t></is></c>'
                for c, name in zip("ABCDEF", GROUP_COLUMNS)) + "</row>")
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>g{r}</t></is></c>'
        f'<c r="B{r}"><v>1</v></c><c r="F{r}" t="inlineStr"><is><t>copilot</t></is></c></row>'
        for r in range(2, rows + 2))
    return (head + body + "</sheetData></worksheet>").encode()


def zip_bomb(total_mb: int) -> bytes:
    """A valid workbook whose Groups sheet is padded to ``total_mb`` MB of whitespace."""
    pad = b" " * (total_mb * 2**20)

    def apply(body: bytes) -> bytes:
        return body.replace(b"</worksheet>", pad + b"</worksheet>")
    return xlsx(patch={sheet_part(2): apply})


def lying_zip() -> bytes:
    """A workbook whose zip headers understate a part's size (a bomb in disguise)."""
    data = bytearray(zip_bomb(20))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(sheet_part(2))
    real, fake = info.file_size.to_bytes(4, "little"), (1024).to_bytes(4, "little")
    local = info.header_offset                   # local file header: size at +22
    assert data[local + 22:local + 26] == real
    data[local + 22:local + 26] = fake
    name = sheet_part(2).encode()
    central = bytes(data).find(b"PK\x01\x02")  # first central directory header
    while bytes(data[central + 46:central + 46 + len(name)]) != name:
        central = bytes(data).find(b"PK\x01\x02", central + 4)
    assert data[central + 24:central + 28] == real  # central header: size at +24
    data[central + 24:central + 28] = fake
    return bytes(data)


def corrupt_part() -> bytes:
    """A valid workbook with one bit flipped inside the Groups sheet's deflate stream."""
    data = bytearray(xlsx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(sheet_part(2))
    start = info.header_offset + 30 + len(info.filename.encode())  # compressed data
    data[start + 2] ^= 0x01
    return bytes(data)


def shared_strings(megabytes: int) -> bytes:
    """A sharedStrings part of ``megabytes`` MB compressing about 120:1 (under the ratio limit)."""
    rnd = random.Random(20)
    items = ("<si><t>" + "x" * 1000 + "".join(rnd.choice("0123456789abcdef") for _ in range(8))
             + "</t></si>" for _ in range(megabytes * 1024))
    return (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main">' + "".join(items).encode() + b"</sst>")


def long_text(chars: int) -> str:
    """``chars`` random letters: text that does not compress (no zip-ratio refusal)."""
    rnd = random.Random(chars)
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(chars))


def zip_version(data: bytes) -> bytes:
    """``data`` with each central-directory entry claiming a zip version no reader supports."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        out[at + 6] = 0x7F  # "version needed to extract": 12.7
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def encrypted() -> bytes:
    """An OLE compound file header, as Excel writes a password-protected .xlsx."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")   # minor version
    header[26:28] = (3).to_bytes(2, "little")      # major version (512-byte sectors)
    header[28:30] = b"\xfe\xff"                    # byte order
    header[30:32] = (9).to_bytes(2, "little")      # sector shift
    return bytes(header) + b"EncryptionInfo\x00EncryptedPackage\x00" + bytes(1024)


def hide_row(sheet: str, row: int) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].row_dimensions[row].hidden = True
    return edit


def merge(sheet: str, cells: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        wb[sheet].merge_cells(cells)
    return edit


def without_sheet(title: str) -> dict[str, list[list]]:
    sheets = base_sheets()
    del sheets[title]
    return sheets


def without_column(sheet: str, column: str) -> dict[str, list[list]]:
    sheets = base_sheets()
    idx = sheets[sheet][0].index(column)
    sheets[sheet] = [r[:idx] + r[idx + 1:] for r in sheets[sheet]]
    return sheets


def with_prices(rows: list[list], header=("product", "unit_price", "currency", "note"),
                currency: str = "USD") -> dict[str, list[list]]:
    sheets = base_sheets()
    sheets["Organization"][2][1] = currency
    sheets["Prices"] = [list(header), *rows]
    return sheets


# ------------------------------------------------------------------ the corpus

F = "{file}"  # replaced by each case's file name in expected.json


def loc(sheet: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """The location prefix of an error line, as planner prints it."""
    parts = [F] + ([f"sheet {sheet}"] if sheet else []) + ([f"row {row}"] if row else [])
    return ", ".join(parts + ([f"column {column}"] if column else []))


CASES: list[tuple[str, str, Callable[[], bytes], list[str]]] = [
    # (file name, what it exercises, bytes, one fragment per expected stderr line)
    ("not_xlsx.xlsx", "plain text saved with an .xlsx name",
     lambda: b"group,users\nstaff,10\n", [f"{F}: not an .xlsx workbook"]),
    ("pdf_renamed.xlsx", "a PDF renamed to .xlsx",
     lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
     [f"{F}: not an .xlsx workbook"]),
    ("empty.xlsx", "a 0-byte file", lambda: b"", [f"{F}: file is empty"]),
    ("encrypted.xlsx", "password-protected workbook (OLE compound container)",
     encrypted, [f"{F}: workbook is password-protected"]),
    ("legacy.xls", "old binary .xls (same OLE container)",
     encrypted, [f"{F}: workbook is password-protected (encrypted) or an old binary .xls"]),
    ("macros.xlsm", "macro-enabled workbook with a vbaProject.bin",
     lambda: xlsx(extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0fake VBA project"}),
     [f"{F}: workbook contains macros"]),
    ("truncated.xlsx", "a valid workbook cut in half (damaged zip)",
     lambda: xlsx()[:2500], [f"{F}: damaged .xlsx container (truncated or corrupt zip)"]),
    ("corrupt_part.xlsx", "a bit flipped inside a compressed sheet (bad download)",
     corrupt_part, [f"{F}: damaged .xlsx container ("]),
    ("zip_not_workbook.xlsx", "a zip archive that holds no workbook",
     lambda: _deterministic(_plain_zip()), [f"{F}: zip file is not an Excel workbook"]),
    ("missing_sheet_groups.xlsx", "no Groups sheet",
     lambda: xlsx(without_sheet("Groups")), [f"{F}: missing sheet 'Groups'"]),
    ("no_header_groups.xlsx", "an empty Groups sheet",
     lambda: xlsx({**base_sheets(), "Groups": []}),
     [f"{loc('Groups', 1)}: sheet has no header row"]),
    ("missing_column_users.xlsx", "Groups without the users column",
     lambda: xlsx(without_column("Groups", "users")),
     [f"{loc('Groups', 1)}: missing column 'users'"]),
    ("missing_column_quantity.xlsx", "Holdings without the quantity column",
     lambda: xlsx(without_column("Holdings", "quantity")),
     [f"{loc('Holdings', 1)}: missing column 'quantity'"]),
    ("duplicate_column.xlsx", "two users columns on Groups",
     lambda: xlsx({**base_sheets(), "Groups": [r + [r[1]] for r in base_sheets()["Groups"]]}),
     [f"{loc('Groups', 1, 'users')}: duplicate column 'users'"]),
    ("no_groups.xlsx", "Groups has a header but no rows",
     lambda: xlsx({**base_sheets(), "Groups": [GROUP_COLUMNS],
                   "Holdings": [HOLDING_COLUMNS]}),
     [f"{loc('Groups')}: no groups"]),
    ("duplicate_group.xlsx", "the same group name twice",
     lambda: xlsx(with_rows("Groups", ["staff", 3, "information", 1, "windows_pro", "copilot"])),
     [f"{loc('Groups', 5, 'group')}: duplicate group 'staff' (first on row 2)"]),
    ("duplicate_group_case.xlsx", "group names differing only in case",
     lambda: xlsx(with_rows("Groups", ["STAFF", 3, "information", 1, "windows_pro", "copilot"])),
     [f"{loc('Groups', 5, 'group')}: duplicate group 'STAFF' (first on row 2)"]),
    ("blank_group_name.xlsx", "a Groups row without a name",
     lambda: xlsx(with_cell("Groups", 3, "group", None)),
     [f"{loc('Groups', 3, 'group')}: missing value"]),
    ("negative_users.xlsx", "a negative headcount",
     lambda: xlsx(with_cell("Groups", 3, "users", -20)),
     [f"{loc('Groups', 3, 'users')}: must be at least 0, got -20"]),
    ("fractional_users.xlsx", "a fractional headcount",
     lambda: xlsx(with_cell("Groups", 2, "users", 10.5)),
     [f"{loc('Groups', 2, 'users')}: 10.5 is not a whole number"]),
    ("text_users.xlsx", "a headcount written as a word",
     lambda: xlsx(with_cell("Groups", 2, "users", "ten")),
     [f"{loc('Groups', 2, 'users')}: 'ten' is not a whole number"]),
    ("boolean_users.xlsx", "TRUE in the headcount column",
     lambda: xlsx(with_cell("Groups", 2, "users", True)),
     [f"{loc('Groups', 2, 'users')}: TRUE is a yes/no value"]),
    ("text_devices.xlsx", "devices_per_user as text",
     lambda: xlsx(with_cell("Groups", 4, "devices_per_user", "two")),
     [f"{loc('Groups', 4, 'devices_per_user')}: 'two' is not a whole number"]),
    ("bad_worker.xlsx", "worker kind outside the enumeration",
     lambda: xlsx(with_cell("Groups", 3, "worker", "office")),
     [f"{loc('Groups', 3, 'worker')}: 'office' is not one of information, frontline"]),
    ("bad_primary_device.xlsx", "primary device outside the enumeration",
     lambda: xlsx(with_cell("Groups", 2, "primary_device", "macbook")),
     [f"{loc('Groups', 2, 'primary_device')}: 'macbook' is not one of"]),
    ("unknown_need.xlsx", "a misspelt need id, with a did-you-mean",
     lambda: xlsx(with_cell("Groups", 4, "needs", "m365_e3_equivalent, copilt")),
     [f"{loc('Groups', 4, 'needs')}: unknown need 'copilt' (did you mean 'copilot'?)"]),
    ("unknown_profile.xlsx", "a misspelt profile id, with a did-you-mean",
     lambda: xlsx(with_cell("Groups", 2, "needs", "m365_e3_equivalnt")),
     [f"{loc('Groups', 2, 'needs')}: unknown need 'm365_e3_equivalnt' (did you mean "
      "'m365_e3_equivalent'?)"]),
    ("blank_needs.xlsx", "a group with no needs",
     lambda: xlsx(with_cell("Groups", 3, "needs", None)),
     [f"{loc('Groups', 3, 'needs')}: missing value"]),
    ("unknown_product.xlsx", "a misspelt product id, with a did-you-mean",
     lambda: xlsx(with_cell("Holdings", 2, "product", "m365_e4")),
     [f"{loc('Holdings', 2, 'product')}: unknown product 'm365_e4' (did you mean"]),
    ("zero_quantity.xlsx", "a holding of 0 licences",
     lambda: xlsx(with_cell("Holdings", 2, "quantity", 0)),
     [f"{loc('Holdings', 2, 'quantity')}: must be at least 1, got 0"]),
    ("bad_sa_flag.xlsx", "sa neither Y nor N",
     lambda: xlsx(with_cell("Holdings", 2, "sa", "maybe")),
     [f"{loc('Holdings', 2, 'sa')}: 'maybe' is not Y or N"]),
    ("date_wrong_format.xlsx", "an end date written day/month/year",
     lambda: xlsx(with_cell("Holdings", 2, "ends", "30/06/2027")),
     [f"{loc('Holdings', 2, 'ends')}: '30/06/2027' is not a date; use an Excel date or "
      "YYYY-MM-DD"]),
    ("date_impossible.xlsx", "an ISO date that does not exist",
     lambda: xlsx(with_cell("Holdings", 2, "ends", "2027-02-30")),
     [f"{loc('Holdings', 2, 'ends')}: '2027-02-30' is not a valid date"]),
    ("date_as_number.xlsx", "an Excel serial number without a date format",
     lambda: xlsx(with_cell("Holdings", 2, "ends", 46568)),
     [f"{loc('Holdings', 2, 'ends')}: '46568' is not a date"]),
    ("date_text_org.xlsx", "renewal_date in words on the Organization sheet",
     lambda: xlsx(with_cell("Organization", 6, "value", "next June")),
     [f"{loc('Organization', 6, 'value')}: 'next June' is not a date"]),
    ("holding_unknown_group.xlsx", "holdings assigned to a group that does not exist",
     lambda: xlsx(with_cell("Holdings", 2, "group", "staf")),
     [f"{loc('Holdings', 2, 'group')}: group 'staf' is not on the Groups sheet (did you mean "
      "'staff'?)"]),
    ("sa_addons_exceed.xlsx", "more Cloud Add-ons to SA than SA-covered licences",
     lambda: xlsx(with_rows("Holdings",
                            ["professional_desktop", 5, None, "Y", date(2027, 6, 30), "Y"],
                            ["m365_e3_addon_sa", 8, None, "N", date(2027, 6, 30), "N"])),
     [f"{loc('Holdings', 4, 'quantity')}: 8 m365_e3_addon_sa held but only 5 SA-covered"]),
    ("prices_other_currency.xlsx", "a Prices row in EUR for a USD workbook",
     lambda: xlsx(with_prices([["m365_e3", 30, "EUR", "negotiated"]])),
     [f"{loc('Prices', 2, 'currency')}: currency EUR differs from the Organization "
      "currency USD"]),
    ("org_currency_unpriced.xlsx", "workbook in EUR while the catalog prices are USD",
     lambda: xlsx(with_cell("Organization", 3, "value", "EUR")),
     [f"{loc('Organization', 3, 'value')}: currency EUR differs from the USD of price list "
      "us-list-2026-07 and no exchange_rate is given"]),
    ("price_with_symbol.xlsx", "a unit price written with a currency symbol",
     lambda: xlsx(with_prices([["m365_e3", "€30", None, None]])),
     [f"{loc('Prices', 2, 'unit_price')}: '€30' is not a number; write the amount only"]),
    ("bad_currency_code.xlsx", "currency that is not an ISO code",
     lambda: xlsx(with_cell("Organization", 3, "value", "dollars")),
     [f"{loc('Organization', 3, 'value')}: 'dollars' is not a 3-letter currency code"]),
    ("unknown_price_list.xlsx", "a price_list id the catalog lacks",
     lambda: xlsx(with_rows("Organization", ["price_list", "us-list-2099"])),
     [f"{loc('Organization', 7, 'value')}: unknown price list 'us-list-2099'"]),
    ("discount_over_100.xlsx", "a discount of 150 %",
     lambda: xlsx(with_rows("Organization", ["discount_pct", 150])),
     [f"{loc('Organization', 7, 'value')}: must be at least 0 and below 100"]),
    ("duplicate_org_field.xlsx", "the same Organization field twice",
     lambda: xlsx(with_rows("Organization", ["agreement", "CSP"])),
     [f"{loc('Organization', 7, 'field')}: duplicate field 'agreement' (first given on row 4)"]),
    ("formula_no_value.xlsx", "a formula never calculated (no cached value)",
     lambda: xlsx(with_cell("Groups", 3, "users", "=10*2")),
     [f"{loc('Groups', 3, 'users')}: formula without a computed value; open and save the "
      "file in Excel, or type the value"]),
    ("formula_ref_error.xlsx", "a formula whose cached value is #REF!",
     lambda: xlsx(patch={sheet_part(2): replace_cell(
         "B2", '<c r="B2" t="e"><f>#REF!*2</f><v>#REF!</v></c>')}),
     [f"{loc('Groups', 2, 'users')}: error cell #REF!"]),
    ("error_cell_na.xlsx", "a #N/A error value in Holdings",
     lambda: xlsx(with_cell("Holdings", 2, "quantity", "#N/A")),
     [f"{loc('Holdings', 2, 'quantity')}: error cell #N/A"]),
    ("merged_cells.xlsx", "merged cells spanning two Groups rows",
     lambda: xlsx(edit=merge("Groups", "C2:C3")),
     [f"{loc('Groups', 2, 'worker')}: merged cells C2:C3"]),
    ("hidden_row_error.xlsx", "a hidden Groups row that holds a bad headcount",
     lambda: xlsx(with_rows("Groups", ["hidden", -1, "information", 1, "windows_pro",
                                       "copilot"]), edit=hide_row("Groups", 5)),
     [f"{loc('Groups', 5, 'users')}: must be at least 0, got -1 (hidden row)"]),
    ("rows_100k.xlsx", "a Groups sheet of 100,000 rows (over the row limit)",
     lambda: xlsx(patch={sheet_part(2): lambda _: big_sheet(100_000)}),
     [f"{loc('Groups')}: sheet has 100000 rows, over the 50000 row limit"]),
    ("zip_bomb.xlsx", "a sheet that unzips to 310 MB (over the decompressed limit)",
     lambda: zip_bomb(310), [f"{F}: workbook expands to"]),
    ("zip_bomb_ratio.xlsx", "a part compressed ~1000:1 (over the 200:1 ratio limit, under the size limit)",
     lambda: zip_bomb(60), [f"{F}: part xl/worksheets/sheet2.xml is compressed"]),
    ("zip_bomb_lying.xlsx", "a zip whose directory understates a part's size",
     lying_zip, [f"{F}: damaged .xlsx container (Bad CRC-32"]),
    ("billion_laughs.xlsx", "XML entity expansion (billion laughs) in a sheet",
     lambda: xlsx(patch={sheet_part(2): with_entities(
         '<!ENTITY lol "lol">' + "".join(
             f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
             for i in range(1, 10)), "&lol9;")}),
     [f"{F}: part xl/worksheets/sheet2.xml declares XML entities (DOCTYPE)"]),
    ("xxe.xlsx", "XML external entity reading a local file",
     lambda: xlsx(patch={sheet_part(2): with_entities(
         '<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;")}),
     [f"{F}: part xl/worksheets/sheet2.xml declares XML entities (DOCTYPE)"]),
    ("zip_version.xlsx", "damaged bytes: the zip directory claims version 12.7 (fuzz finding)",
     lambda: zip_version(xlsx()), [f"{F}: damaged .xlsx container (zip file version 12.7)"]),
    ("part_too_large.xlsx", "a 34 MB sharedStrings part, under the ratio limit (over the part limit)",
     lambda: xlsx(extra={"xl/sharedStrings.xml": shared_strings(34)}),
     [f"{F}: part xl/sharedStrings.xml expands to 34 MB, over the 32 MB limit of one part"]),
    ("cell_too_long.xlsx", "a needs cell of 40,000 characters (more than an Excel cell holds)",
     lambda: xlsx(patch={sheet_part(2): replace_cell(
         "F2", f'<c r="F2" t="inlineStr"><is><t>{long_text(40_000)}</t></is></c>')}),
     [f"{loc('Groups', 2, 'needs')}: cell holds 40,000 characters, more than the 32,767 an "
      "Excel cell can"]),
    ("users_nan.xlsx", "NaN in a numeric cell",
     lambda: xlsx(with_cell("Groups", 2, "users", float("nan"))),
     [f"{loc('Groups', 2, 'users')}: missing value"]),
    ("users_infinite.xlsx", "infinity in a numeric cell",
     lambda: xlsx(with_cell("Groups", 2, "users", float("inf"))),
     [f"{loc('Groups', 2, 'users')}: missing value"]),
    ("several_problems.xlsx", "three problems on three sheets, all reported in order",
     lambda: xlsx({**with_cell("Groups", 3, "users", -5),
                   "Holdings": [HOLDING_COLUMNS,
                                ["m365_e9", 10, "staff", "N", date(2027, 6, 30), "N"]],
                   "Organization": base_sheets()["Organization"] + [["discount_pct", "lots"]]}),
     [f"{loc('Organization', 7, 'value')}: 'lots' is not a percentage",
      f"{loc('Groups', 3, 'users')}: must be at least 0, got -5",
      f"{loc('Holdings', 2, 'product')}: unknown product 'm365_e9'"]),
]


def _plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


def main(out: Path = OUT) -> list[Path]:
    """Write every case and expected.json; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    expected, written = {}, []
    for name, what, make, lines in CASES:
        path = out / name
        path.write_bytes(make())
        written.append(path)
        expected[name] = {"what": what, "exit_code": 2,
                          "lines": [line.replace(F, name) for line in lines]}
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return written


if __name__ == "__main__":
    files = main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files ({total / 2**20:.2f} MB) and expected.json "
          f"to {files[0].parent}")
