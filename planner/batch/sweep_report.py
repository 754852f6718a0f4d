"""The outputs of ``planner sweep``: the table of draws and the summary workbook.

Into the output folder go ``draws.csv`` and ``draws.xlsx`` (one row per draw: its
parameters and its result) and ``sweep-summary.xlsx`` with the sheets

* *Summary*: the organization, the spec, the seed, how many draws were planned;
* *Percentiles*: mean, minimum, P5 ... P95 and maximum of the annual cost, the savings
  and the other amounts, over the draws that have a plan;
* *Histogram*: the draws' annual cost and savings in equal-width bins, each with a
  bar chart.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from planner.errors import InputError, Issue
from planner.report.layout import currency_format, put, style_header
from planner.batch.writers import is_amount, save_workbook, write_frame, write_table

DRAWS_NAME = "draws"
SUMMARY_FILE = "sweep-summary.xlsx"
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
"""Percentiles shown on the Percentiles sheet."""

HISTOGRAM_COLUMNS = ("annual_cost", "savings")
"""Amounts shown as histograms."""

BINS = 20
"""Largest number of histogram bins (fewer when the draws take fewer distinct values)."""

CHART_ROWS = 20
"""Rows between the tops of two histogram charts (the charts sit below the bin tables)."""


def percentiles(draws: pd.DataFrame) -> pd.DataFrame:
    """Statistics of every amount column over the draws that have a plan.

    Parameters
    ----------
    draws : pandas.DataFrame
        The table of :func:`planner.batch.monte_carlo`.

    Returns
    -------
    pandas.DataFrame
        ``statistic`` (``mean``, ``min``, ``P5`` ... ``P95``, ``max``) and one
        column per amount column that has values (``annual_cost``, ``savings`` ...).
    """
    planned = draws[draws["exit_code"].isin([0, 3])]
    columns = [c for c in draws.columns if is_amount(c) and not c.startswith("prices.")
               and pd.to_numeric(planned[c], errors="coerce").notna().any()]
    labels = ["mean", "min"] + [f"P{p}" for p in PERCENTILES] + ["max"]
    out = pd.DataFrame({"statistic": labels})
    for c in columns:
        values = pd.to_numeric(planned[c], errors="coerce").dropna().to_numpy(dtype=float)
        out[c] = [values.mean(), values.min(),
                  *np.percentile(values, PERCENTILES), values.max()]
    return out


def histogram(values: Iterable[float], bins: int = BINS) -> pd.DataFrame:
    """Counts of ``values`` in equal-width bins.

    Returns
    -------
    pandas.DataFrame
        ``from``, ``to`` (bin edges, the last bin includes its upper edge) and ``draws``.

    Examples
    --------
    >>> histogram([1.0, 2.0, 2.0, 3.0], bins=2)["draws"].tolist()
    [1, 3]
    """
    data = np.asarray(list(values), dtype=float)
    data = data[~np.isnan(data)]
    if not len(data):
        return pd.DataFrame(columns=["from", "to", "draws"])
    counts, edges = np.histogram(data, bins=max(1, min(bins, len(np.unique(data)))))
    return pd.DataFrame({"from": edges[:-1], "to": edges[1:], "draws": counts})


def _summary_sheet(wb: Workbook, draws: pd.DataFrame) -> None:
    ws = wb.active
    ws.title = "Summary"
    a = draws.attrs
    status = draws["status"].value_counts()
    rows = [("Organization", a.get("organization", "")), ("Input file", a.get("source_file", "")),
            ("Sweep spec", a.get("spec_file", "")), ("Description", a.get("description", "")),
            ("Planning point", a.get("at", "")), ("Currency", a.get("currency", "")),
            ("Draws", len(draws)), ("Seed", a.get("seed")),
            *((f"Draws {s}", int(n)) for s, n in status.items()),
            *((f"Varies {c}", d) for c, d in a.get("parameters", {}).items())]
    write_frame(ws, pd.DataFrame(rows, columns=["field", "value"]))


def _histogram_sheet(wb: Workbook, draws: pd.DataFrame, money: str) -> None:
    ws = wb.create_sheet("Histogram")
    planned = draws[draws["exit_code"].isin([0, 3])]
    col, charts = 1, 0
    for name in HISTOGRAM_COLUMNS:
        if name not in draws:
            continue
        bins = histogram(pd.to_numeric(planned[name], errors="coerce"))
        if bins.empty:
            continue
        headers = (f"{name} from", f"{name} to", "draws")
        for c, header in enumerate(headers):
            put(ws, 1, col + c, header)
        for r, row in enumerate(bins.itertuples(index=False), start=2):
            put(ws, r, col, row[0], money)
            put(ws, r, col + 1, row[1], money)
            put(ws, r, col + 2, int(row[2]))
        chart = BarChart()
        chart.type, chart.gapWidth, chart.legend = "col", 0, None
        chart.title = f"Draws by {name.replace('_', ' ')}"
        chart.y_axis.title, chart.x_axis.title = "draws", f"{name.replace('_', ' ')} (bin from)"
        chart.x_axis.number_format = money
        chart.add_data(Reference(ws, min_col=col + 2, min_row=1, max_row=len(bins) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=col, min_row=2, max_row=len(bins) + 1))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, f"A{BINS + 3 + charts * CHART_ROWS}")
        charts += 1
        for c in range(3):
            ws.column_dimensions[ws.cell(row=1, column=col + c).column_letter].width = 18
        col += 4
    style_header(ws)


def output_paths(out: str | os.PathLike) -> list[Path]:
    """The files :func:`write_sweep` writes into ``out``: draws CSV and workbook, summary."""
    out = Path(out)
    return [out / f"{DRAWS_NAME}.csv", out / f"{DRAWS_NAME}.xlsx", out / SUMMARY_FILE]


def check_outputs(out: str | os.PathLike, inputs: Iterable) -> None:
    """Refuse, before any work, an output folder where an output would overwrite an input.

    Raises
    ------
    InputError
        Naming the input.
    """
    targets = {p.resolve() for p in output_paths(out)}
    if Path(out).exists() and not Path(out).is_dir():
        raise InputError(Issue("the output folder is a file; give a folder with --out",
                               str(out)))
    clash = [Issue("the sweep would write its output over this input; choose another --out",
                   str(p)) for p in map(Path, inputs) if p.resolve() in targets]
    if clash:
        raise InputError(clash)


def write_sweep(draws: pd.DataFrame, out: str | os.PathLike, inputs: Iterable = ()
                ) -> list[Path]:
    """Write the sweep's outputs into the folder ``out`` (created if needed).

    Parameters
    ----------
    draws : pandas.DataFrame
        The table of :func:`planner.batch.monte_carlo` (with its ``attrs``).
    out : path-like
        The output folder.
    inputs : list of path-like
        Files never to overwrite (the workbook and the spec).

    Returns
    -------
    list of pathlib.Path
        ``draws.csv``, ``draws.xlsx`` and ``sweep-summary.xlsx``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs = tuple(inputs)
    csv_path, xlsx_path, summary_path = output_paths(out)
    written = list(write_table(draws, csv_path, xlsx_path, "Draws", inputs=inputs))
    money = currency_format(draws.attrs.get("currency", ""))
    wb = Workbook()
    _summary_sheet(wb, draws)
    write_frame(wb.create_sheet("Percentiles"), percentiles(draws), money)
    _histogram_sheet(wb, draws, money)
    written.append(save_workbook(wb, summary_path, inputs))
    return written
