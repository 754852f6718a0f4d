"""The plan and roles workbooks as printed documents: rendered to PDF by LibreOffice.

Skipped where LibreOffice (``soffice``) is not installed; CI installs it (``.ci/run``).
Every sheet carries a footer "SHEET, page P of N", so each PDF page names its sheet.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter

import pandas as pd
import pytest
from render import convert, needs_soffice, pdf_pages
from support import console_script

from planner.report.chart import CHART_TITLE
from planner.report.excel import SHEET_ORDER

pytestmark = needs_soffice
FOOTER = re.compile(r"^(.+), page (\d+) of (\d+)$", re.M)


def run(args, cwd):
    proc = subprocess.run(console_script() + args, capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    return proc


def sheet_of(page: str) -> str:
    found = FOOTER.findall(page)
    assert found, page[-200:]
    return found[-1][0]


@pytest.fixture(scope="module")
def tailspin_pdf(tmp_path_factory, scenario_path):
    folder = tmp_path_factory.mktemp("render")
    org = folder / "tailspin.xlsx"
    shutil.copy(scenario_path("tailspin_toys"), org)
    run(["solve", str(org), "-o", "plan.xlsx"], folder)
    plan = folder / "plan.xlsx"
    return plan, pdf_pages(convert(plan, "pdf", folder / "pdf"))


def test_each_sheet_prints_one_page_wide_and_the_tables_on_one_page(tailspin_pdf):
    plan, pages = tailspin_pdf
    per_sheet = Counter(sheet_of(p) for p in pages)
    sheets = list(SHEET_ORDER) + ["Organization", "Groups", "Holdings", "Prices"]
    assert list(per_sheet) == sheets  # every sheet prints, in order
    # Tailspin's tables are short: one page each (before print setups, wide sheets were
    # cut into column strips over several pages); the checks list may take a second.
    long = ("Checks", "Compliance")  # one row per check: may run onto a second page
    assert {s: n for s, n in per_sheet.items() if s not in long} == dict.fromkeys(
        [s for s in sheets if s not in long], 1)
    assert all(per_sheet[s] <= 2 for s in long)
    assert len(pages) == sum(per_sheet.values())
    assert all(FOOTER.findall(p)[-1][2] == str(len(pages)) for p in pages)


def test_the_chart_is_on_a_printed_page_with_product_names_and_costs(tailspin_pdf):
    plan, pages = tailspin_pdf
    table = pd.read_excel(plan, sheet_name="Cost by product")
    (page,) = [p for p in pages if sheet_of(p) == "Cost by product"]
    assert CHART_TITLE in page  # the chart's title, drawn only by the chart
    top_name, top_cost = table.iloc[0]["product_name"], table.iloc[0]["annual_cost"]
    flat = " ".join(page.split())
    # Each product's cost appears twice on the page: in the table and as the bar's label.
    assert flat.count(f"${top_cost:,.2f}") == 2, flat
    assert flat.count(top_name.split(" (")[0]) >= 2, flat
    costs = table["annual_cost"].tolist()
    assert costs == sorted(costs, reverse=True)


def test_the_summary_prints_on_one_page_with_dates_versions_and_price_list(tailspin_pdf):
    _, pages = tailspin_pdf
    (page,) = [p for p in pages if sheet_of(p) == "Summary"]
    flat = " ".join(page.split())
    for text in ("Planned for", "As of (planning date)", "Renewal date", "Tool version planner",
                 "Catalog planner", "Price list", "us-list-2026-07 (USD", "Annual cost"):
        assert text in flat, text
    assert "Savings -" not in flat and "-$" not in flat


def test_four_people_print_on_one_page_per_roles_sheet(tmp_path):
    run(["roles", "template", "people.xlsx"], tmp_path)
    run(["roles", "plan", "people.xlsx"], tmp_path)
    pages = pdf_pages(convert(tmp_path / "people-roles.xlsx", "pdf", tmp_path / "pdf"))
    per_sheet = Counter(sheet_of(p) for p in pages)
    assert per_sheet == Counter({"Plan": 1, "Changes": 1, "Roles": 1, "Role names": 1,
                                 "Sources": 1}), per_sheet  # was 24 pages without a setup
