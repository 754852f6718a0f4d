"""The plan's "Cost by product" sheet: a table and a bar chart that print on one page.

The chart sits inside the sheet's print area, under its data: one bar per product,
labelled with the product name and its annual cost, the most expensive product on top.
"""
from __future__ import annotations

import math

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.worksheet import Worksheet

from planner.report.layout import format_table, print_setup, put, wrap_columns
from planner.table import Table

CHART_TITLE = "Annual cost by product"
CHART_COLUMNS = ["product_name", "product", "annual_cost"]
COLUMN_WIDTHS = {"A": 46, "B": 24, "C": 18}
# Chart size [cm]: as wide as the three columns above; one bar is about 0.9 cm high.
CHART_WIDTH = 17.0
BAR_HEIGHT = 0.9
MIN_HEIGHT = 6.0
ROW_HEIGHT = 0.53  # a default row [cm]


def write_cost_chart(ws: Worksheet, changes: Table, money: str) -> int:
    """Write the cost table (most expensive first) and its chart below it.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        An empty sheet.
    changes : Table
        :func:`planner.report.changes.changes_table` (sorted by annual cost, descending).
    money : str
        Number format of amounts.

    Returns
    -------
    int
        Number of bars (products with a cost); 0 when there is nothing to chart.
    """
    rows = changes.where(lambda r: abs(r.annual_cost) > 0).select(CHART_COLUMNS)
    for col, name in enumerate(CHART_COLUMNS, start=1):
        put(ws, 1, col, name)
    for row, record in enumerate(rows.rows, start=2):
        for col, value in enumerate(record, start=1):
            put(ws, row, col, value, money if col == 3 else None)
    count = len(rows)
    format_table(ws, count + 1)
    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    wrap_columns(ws, [1], COLUMN_WIDTHS["A"])
    if not count:
        return 0
    chart = _bar_chart(ws, count, money)
    anchor_row = count + 3
    ws.add_chart(chart, f"A{anchor_row}")
    last_row = anchor_row + math.ceil(chart.height / ROW_HEIGHT) + 1
    print_setup(ws, landscape=False, one_page=True, area=f"A1:C{last_row}")
    return count


def _bar_chart(ws: Worksheet, count: int, money: str) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = CHART_TITLE
    chart.legend = None
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=count + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=count + 1))
    chart.x_axis.scaling.orientation = "maxMin"  # first (most expensive) product on top
    chart.y_axis.crosses = "max"  # ... with the value axis kept at the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.numFmt = money
    chart.y_axis.title = "annual cost"
    chart.y_axis.majorGridlines = None
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                     showLegendKey=False, showPercent=False)
    chart.dataLabels.numFmt = money
    chart.width = CHART_WIDTH
    chart.height = max(MIN_HEIGHT, BAR_HEIGHT * count + 3)
    return chart
