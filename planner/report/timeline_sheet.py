"""The plan's Timeline sheet: period x product lines, a cost-per-period table and its chart.

Written only for ``--at timeline`` plans. The lines table lists, for every period, what runs,
is renewed, bought or dropped, at which unit price, and its cost; beside it a pivot of cost
per period and product feeds a stacked column chart (one column per period).
"""
from __future__ import annotations

import math

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from planner.report.layout import BOLD, COUNT_FORMAT, format_table, print_setup, put
from planner.results import Timeline

LINE_COLUMNS = ["start", "end", "action", "product", "product_name", "quantity", "unit_price",
                "annual_cost", "period_cost", "note"]
MONEY = frozenset({"unit_price", "annual_cost", "period_cost"})
CHART_TITLE = "Cost per period"
ROW_HEIGHT = 0.53  # a default row [cm]


def cost_pivot(timeline: Timeline) -> pd.DataFrame:
    """Cost of each product in each period (rows: period start; columns: products)."""
    lines = timeline.lines
    if lines.empty:
        return pd.DataFrame(index=timeline.periods["start"])
    pivot = lines.pivot_table(index="start", columns="product_name", values="period_cost",
                              aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(timeline.periods["start"], fill_value=0.0)
    order = pivot.sum().sort_values(ascending=False).index
    return pivot[[c for c in order if pivot[c].abs().sum() > 0]]


def write_timeline(ws: Worksheet, timeline: Timeline, money: str) -> int:
    """Write the Timeline sheet; returns the last row of the lines table.

    The lines table starts at A1; to its right the periods (dates, run-rate, cost,
    discounted cost, totals), then the cost per period and product and its chart.
    """
    for col, name in enumerate(LINE_COLUMNS, start=1):
        put(ws, 1, col, name)
    for row, record in enumerate(timeline.lines[LINE_COLUMNS].itertuples(index=False), start=2):
        for col, (name, value) in enumerate(zip(LINE_COLUMNS, record), start=1):
            put(ws, row, col, value, money if name in MONEY else (COUNT_FORMAT if name == "quantity" else None))
    last = len(timeline.lines) + 1
    format_table(ws, last, text_columns=("product_name", "note"))
    side = len(LINE_COLUMNS) + 2
    bottom = _write_periods(ws, timeline, money, side)
    chart_bottom = _write_chart(ws, timeline, money, side, bottom + 2)
    print_setup(ws, landscape=True, one_page=False,
                area=f"A1:{_letter(side + 7)}{max(last, chart_bottom)}")
    return last


def _write_periods(ws: Worksheet, timeline: Timeline, money: str, col0: int) -> int:
    """The periods with their totals, from column ``col0``; returns the last row used."""
    columns = ["start", "end", "at", "years", "annual_cost", "cost", "discounted_cost"]
    for j, name in enumerate(columns):
        put(ws, 1, col0 + j, name).font = BOLD
    for i, record in enumerate(timeline.periods[columns].itertuples(index=False), start=2):
        for j, (name, value) in enumerate(zip(columns, record)):
            fmt = money if name in ("annual_cost", "cost", "discounted_cost") else (
                "0.00" if name == "years" else None)
            put(ws, i, col0 + j, value, fmt)
    row = len(timeline.periods) + 2
    put(ws, row, col0, "TOTAL").font = BOLD
    put(ws, row, col0 + 5, timeline.total_cost, money).font = BOLD
    put(ws, row, col0 + 6, timeline.discounted_total_cost, money).font = BOLD
    if timeline.chained_total_cost is not None:
        put(ws, row + 1, col0, "planned one point at a time")
        put(ws, row + 1, col0 + 5, timeline.chained_total_cost, money)
        put(ws, row + 2, col0, "saved by planning the path")
        put(ws, row + 2, col0 + 5, timeline.saving_over_chained, money)
        row += 2
    return row


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _write_chart(ws: Worksheet, timeline: Timeline, money: str, col0: int, top: int) -> int:
    """Cost per period and product from row ``top``, and a stacked column chart under it."""
    pivot = cost_pivot(timeline)
    put(ws, top, col0, "period").font = BOLD
    for j, name in enumerate(pivot.columns, start=1):
        put(ws, top, col0 + j, name).font = BOLD
    for i, (start, values) in enumerate(pivot.iterrows(), start=top + 1):
        put(ws, i, col0, start)
        for j, value in enumerate(values, start=1):
            put(ws, i, col0 + j, float(value), money)
    if pivot.shape[1] == 0:
        return top
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = CHART_TITLE
    chart.y_axis.title = "cost in the period"
    chart.y_axis.numFmt = money
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=col0 + 1, max_col=col0 + pivot.shape[1],
                             min_row=top, max_row=top + len(pivot)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col0, min_row=top + 1, max_row=top + len(pivot)))
    chart.width, chart.height = 18.0, 9.0
    anchor = top + len(pivot) + 2
    ws.add_chart(chart, f"{_letter(col0)}{anchor}")
    return anchor + math.ceil(chart.height / ROW_HEIGHT) + 1
