"""Cell and sheet helpers every workbook the planner writes shares.

Writing cells (:func:`put`, never turning user text into a formula), header styling
(:func:`style_header`), column widths (:func:`fit_widths`), wrapped long text
(:func:`wrap_columns`), number formats (:func:`currency_format`) and the print setup
(:func:`print_setup`): the plan workbook, the input template and the roles workbooks all
use these, so a sheet looks and prints the same wherever it comes from.
"""
from __future__ import annotations

import math
import textwrap
from typing import Any, Iterable

from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.outputs import allow_formula
from planner.table import scalar

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60
MIN_WIDTH = 8
# Width of a column of long text (why, notes, details): it wraps within this width.
TEXT_WIDTH = 50
# Width given to a formula cell: its text is not what Excel shows.
FORMULA_WIDTH = 14
# Characters of ordinary text per unit of column width (the width of a "0"), a little
# cautious so that estimated row heights are never short.
CHARS_PER_WIDTH = 1.1
# Height of one line of 11-point text [points].
LINE_HEIGHT = 15
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


class Formula(str):
    """Text that :func:`put` writes as an Excel formula; any other ``str`` stays text.

    :func:`put` records the cell in :data:`planner.outputs.FORMULA_CELLS` of its sheet:
    the guarded writer stores every other text starting with ``=`` as text.
    """


def put(ws: Worksheet, row: int, column: int, value: Any,
        number_format: str | None = None) -> Cell:
    """Write one cell; plain text is never interpreted as a formula.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Target sheet.
    row, column : int
        1-based cell position.
    value : Any
        A :class:`Formula` is written as a formula; None, NaN and pandas' NA become blank;
        numpy scalars become Python numbers.
    number_format : str, optional
        Excel number format of the cell.

    Returns
    -------
    openpyxl.cell.Cell
        The written cell.
    """
    cell = ws.cell(row=row, column=column)
    cell.value = scalar(value)
    if isinstance(value, Formula):
        allow_formula(cell)
    elif isinstance(cell.value, str):
        # User text such as a group named "=HYPERLINK(...)" must not become a formula.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def style_header(ws: Worksheet, comments: dict[str, str] | None = None, row: int = 1,
                 freeze: bool = True) -> None:
    """Make a header row bold and filled, optionally frozen, with a comment per column.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet whose header row to style.
    comments : dict of str to str, optional
        Header text -> explanation, attached as a cell comment.
    row : int
        The header row (1-based).
    freeze : bool
        Freeze the panes below the header so it stays visible when scrolling.
    """
    comments = comments or {}
    for cell in ws[row]:
        if cell.value is None:
            continue
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        text = comments.get(str(cell.value))
        if text:
            cell.comment = note(text)
    if freeze:
        ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate


def note(text: str) -> Comment:
    """A cell comment sized to its text.

    Parameters
    ----------
    text : str
        The explanation.

    Returns
    -------
    openpyxl.comments.Comment
        Authored by ``planner``, tall enough to show ``text`` whole.
    """
    lines = max(1, math.ceil(len(text) / 45))
    return Comment(text, "planner", height=30 + 18 * lines, width=320)


def fit_widths(ws: Worksheet, min_row: int = 1, cap: int = MAX_WIDTH) -> None:
    """Set each column's width to its longest shown content, capped.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet to fit.
    min_row : int
        First row considered (rows above, such as a free-text introduction, are ignored).
    cap : int
        Largest width [characters].
    """
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=min_row):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _shown_length(cell))
    for column, width in widths.items():
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(cap, max(MIN_WIDTH, width + 2))


def wrap_columns(ws: Worksheet, columns: Iterable[int], width: int = TEXT_WIDTH,
                 min_row: int = 2) -> None:
    """Wrap the text of some columns within ``width`` and make their rows tall enough.

    Row heights are set from the longest wrapped cell of each row (LibreOffice and Excel
    do not grow a row for wrapped text they did not lay out themselves).

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet to change.
    columns : iterable of int
        1-based columns holding long text.
    width : int
        Largest width of these columns [characters]; narrower content keeps its width.
    min_row : int
        First row wrapped (the header row stays on one line).
    """
    columns = list(columns)
    for column in columns:
        letter = get_column_letter(column)
        current = ws.column_dimensions[letter].width or width
        ws.column_dimensions[letter].width = min(current, width)
    for row in range(min_row, ws.max_row + 1):
        lines = 1
        for column in columns:
            cell = ws.cell(row=row, column=column)
            if cell.value is None:
                continue
            cell.alignment = WRAP
            chars = max(1, int(ws.column_dimensions[get_column_letter(column)].width * CHARS_PER_WIDTH))
            lines = max(lines, text_lines(str(cell.value), chars))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines
            for cell in ws[row]:
                if cell.value is not None and not cell.alignment.wrap_text:
                    cell.alignment = TOP


def text_lines(text: str, chars: int) -> int:
    """Lines ``text`` takes when wrapped at word boundaries within ``chars`` characters.

    Examples
    --------
    >>> text_lines("one two three", 7)
    2
    """
    return sum(max(1, len(textwrap.wrap(paragraph, chars)))
               for paragraph in text.splitlines() or [""])


def print_setup(ws: Worksheet, landscape: bool = True, one_page: bool = False,
                title_rows: str | None = "1:1", area: str | None = None) -> None:
    """Page setup: all columns on one page width, header repeated, optional print area.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet to set up.
    landscape : bool
        Landscape (wide tables) or portrait.
    one_page : bool
        Shrink the whole sheet onto one page (a summary, a chart); otherwise only the
        width is fitted and long tables continue on further pages.
    title_rows : str, optional
        Rows repeated at the top of every page (``"1:1"``: the header row).
    area : str, optional
        Print area such as ``"A1:H20"``; by default the used range.
    """
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "&A, page &P of &N"
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = area or f"A1:{get_column_letter(max(1, ws.max_column))}{max(1, ws.max_row)}"


def format_table(ws: Worksheet, last_row: int, comments: dict[str, str] | None = None,
                 text_columns: Iterable[str] = ()) -> None:
    """Style a table that starts at A1: header, frozen panes, autofilter, widths, printing.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet holding the table.
    last_row : int
        Last row of the table body; rows below (a TOTAL row) stay out of the filter so
        sorting never moves them. The table ends at the first blank header cell.
    comments : dict of str to str, optional
        Header text -> explanation (see :func:`style_header`).
    text_columns : iterable of str
        Headers of columns holding long text, wrapped (see :func:`wrap_columns`).
    """
    style_header(ws, comments)
    header = [c.value for c in ws[1]]
    width = next((i for i, v in enumerate(header) if v is None), len(header))
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, width))}{max(1, last_row)}"
    fit_widths(ws)
    wrap_columns(ws, [header.index(name) + 1 for name in text_columns if name in header])
    print_setup(ws, area=f"A1:{get_column_letter(max(1, width))}{ws.max_row}")


def currency_format(currency: str) -> str:
    """Excel number format for amounts in ``currency`` (a symbol for USD, EUR and GBP).

    Parameters
    ----------
    currency : str
        ISO currency code (any case).

    Returns
    -------
    str
        Two decimals with thousands separators, prefixed by the symbol or code.

    Examples
    --------
    >>> currency_format("EUR")
    '"€"#,##0.00'
    >>> currency_format("CHF")
    '"CHF" #,##0.00'
    """
    code = str(currency or "").replace('"', "").strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f'"{symbol}"#,##0.00'
    return f'"{code}" #,##0.00' if code else "#,##0.00"


def _shown_length(cell: Cell) -> int:
    value = cell.value
    if isinstance(value, str) and cell.data_type == "f":
        return FORMULA_WIDTH
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 4
    if hasattr(value, "isoformat"):
        return len(DATE_FORMAT)
    return max(len(line) for line in str(value).splitlines() or [""])
