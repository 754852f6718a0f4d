"""The plan workbook: sheets, formulas, formats, chart, atomic writing and reading back."""
from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from planner.errors import InputError
from planner.report.excel import currency_format, read_plan, write_plan
from planner.results import (
    ALTERNATIVE_COLUMNS,
    ASSIGNMENT_COLUMNS,
    COMPLIANCE_COLUMNS,
    PURCHASE_COLUMNS,
    Plan,
)

SHEETS = ["Summary", "Purchases", "Assignments", "Alternatives", "Compliance"]


def purchase(action, product, quantity, unit_price, months=12, note=""):
    monthly = quantity * unit_price
    return dict(action=action, product=product, product_name=product.upper(),
                quantity=quantity, unit_price=unit_price, monthly_cost=monthly,
                annual_cost=monthly * months, note=note)


def make_plan(**overrides) -> Plan:
    """A small hand-made plan: three purchase rows (m365_e3 twice), two groups."""
    purchases = pd.DataFrame([
        purchase("keep", "m365_e3", 80, 36.0),
        purchase("buy", "m365_e5", 20, 57.0, note="security"),
        purchase("true-up", "m365_e3", 5, 36.0),
    ], columns=PURCHASE_COLUMNS)
    fields = dict(
        status="optimal", currency="USD", at="renewal", price_list="us-list-2026-07",
        annual_cost=float(purchases["annual_cost"].sum()), baseline_annual_cost=52_000.0,
        committed_annual_cost=34_560.0, gap=0.0, purchases=purchases,
        assignments=pd.DataFrame([
            dict(group="Office", users=85, products="m365_e3", annual_cost_per_user=432.0,
                 why="cheapest"),
            dict(group="Security", users=20, products="m365_e5", annual_cost_per_user=684.0,
                 why="needs security_e5"),
        ], columns=ASSIGNMENT_COLUMNS),
        alternatives=pd.DataFrame([
            dict(group="Office", rank=1, chosen="m365_e3", alternative="o365_e3 + ems_e3",
                 extra_annual_cost=1200.0, extra_annual_cost_per_user=14.12, note=""),
        ], columns=ALTERNATIVE_COLUMNS),
        compliance=pd.DataFrame([
            dict(check="coverage", scope="all groups", passed=True, detail="every need met"),
            dict(check="five devices", scope="Office", passed=False, detail="6 phones"),
        ], columns=COMPLIANCE_COLUMNS),
        organization="Contoso", source_file="/data/in/contoso.xlsx", solver="highs",
        solve_seconds=0.42, messages=["Prices from us-list-2026-07."],
    )
    fields.update(overrides)
    return Plan(**fields)


@pytest.fixture
def written(tmp_path):
    path = write_plan(make_plan(), tmp_path / "plan.xlsx")
    return path, openpyxl.load_workbook(path)


def summary_rows(ws) -> dict[str, openpyxl.cell.Cell]:
    return {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}


def test_sheets_in_order(written):
    _, wb = written
    assert wb.sheetnames == SHEETS


@pytest.mark.parametrize("sheet, columns", [
    ("Purchases", PURCHASE_COLUMNS), ("Assignments", ASSIGNMENT_COLUMNS),
    ("Alternatives", ALTERNATIVE_COLUMNS), ("Compliance", COMPLIANCE_COLUMNS),
])
def test_tables_have_bold_frozen_headers_and_filters(written, sheet, columns):
    ws = written[1][sheet]
    header = [c.value for c in ws[1]][:len(columns)]
    assert header == columns
    assert all(c.font.bold for c in ws[1][:len(columns)])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")


def test_purchase_costs_are_formulas_with_a_total_row(written):
    ws = written[1]["Purchases"]
    assert ws["F2"].value == "=D2*E2"
    assert ws["G2"].value == "=F2*12"
    assert ws["A5"].value == "TOTAL" and ws["A5"].font.bold
    assert ws["F5"].value == "=SUM(F2:F4)"
    assert ws["G5"].value == "=SUM(G2:G4)"
    # The TOTAL row stays out of the filter so sorting never moves it.
    assert ws.auto_filter.ref == "A1:H4"


def test_money_columns_use_the_currency_format(written):
    ws = written[1]["Purchases"]
    for cell in ("E2", "F2", "G2", "G5"):
        assert ws[cell].number_format == '"$"#,##0.00'
    assert written[1]["Assignments"]["D2"].number_format == '"$"#,##0.00'
    assert written[1]["Alternatives"]["E2"].number_format == '"$"#,##0.00'


@pytest.mark.parametrize("currency, expected", [
    ("USD", '"$"#,##0.00'), ("eur", '"€"#,##0.00'), ("GBP", '"£"#,##0.00'),
    ("CHF", '"CHF" #,##0.00'),
])
def test_currency_format(currency, expected):
    assert currency_format(currency) == expected


def test_other_currency_appears_in_the_number_format(tmp_path):
    wb = openpyxl.load_workbook(write_plan(make_plan(currency="CHF"), tmp_path / "p.xlsx"))
    assert wb["Purchases"]["G2"].number_format == '"CHF" #,##0.00'
    assert summary_rows(wb["Summary"])["Baseline (renew holdings as they are)"] \
        .number_format == '"CHF" #,##0.00'


def test_summary_values_and_formulas(written):
    ws = written[1]["Summary"]
    assert [c.value for c in ws[1]] == ["field", "value"]
    assert ws.freeze_panes == "A2"
    rows = summary_rows(ws)
    assert rows["Organization"].value == "Contoso"
    assert rows["Input file"].value == "contoso.xlsx"
    assert rows["Price list"].value == "us-list-2026-07"
    assert rows["Planning point"].value == "renewal"
    assert rows["Currency"].value == "USD"
    assert rows["Status"].value == "optimal"
    assert rows["Proven optimal"].value == "yes"
    assert rows["Optimality gap"].value == 0 and rows["Optimality gap"].number_format == "0.00%"
    assert rows["Solver"].value == "highs"
    assert rows["of which committed"].value == 34_560
    assert rows["Annual cost"].value == "=Purchases!$G$5"
    baseline = rows["Baseline (renew holdings as they are)"]
    assert baseline.value == 52_000
    assert rows["Savings"].value == f"=B{baseline.row}-B{rows['Annual cost'].row}"
    assert rows["Note"].value == "Prices from us-list-2026-07."


def test_summary_notes_a_solver_cost_that_differs_from_purchases(tmp_path):
    wb = openpyxl.load_workbook(write_plan(make_plan(annual_cost=1.0), tmp_path / "p.xlsx"))
    notes = [r[1].value for r in wb["Summary"].iter_rows(min_row=2) if r[0].value == "Note"]
    assert any("differs from the solver's annual cost" in n for n in notes)


def test_compliance_shows_pass_and_fail(written):
    ws = written[1]["Compliance"]
    assert [ws["C2"].value, ws["C3"].value] == ["PASS", "FAIL"]


def test_chart_of_cost_by_product(written):
    path, wb = written
    ws = wb["Purchases"]
    # One SUMIF line per product, so m365_e3's two rows make one bar.
    assert [ws["J2"].value, ws["J3"].value, ws["J4"].value] == ["m365_e3", "m365_e5", None]
    assert ws["K2"].value.startswith("=SUMIF(")
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        assert b"barChart" in zf.read(charts[0])


def test_widths_fit_content_and_are_capped(tmp_path):
    plan = make_plan()
    plan.purchases.loc[0, "note"] = "x" * 200
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx"))["Purchases"]
    assert ws.column_dimensions["H"].width == 60
    assert 8 <= ws.column_dimensions["A"].width < 15


def test_a_cost_the_formula_would_not_reproduce_is_kept(tmp_path):
    plan = make_plan()
    plan.purchases.loc[2, "annual_cost"] = 180.0 * 5  # five months left
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx"))["Purchases"]
    assert ws["F4"].value == "=D4*E4"
    assert ws["G4"].value == 900
    assert ws["G4"].comment is not None


def test_text_is_never_written_as_a_formula(tmp_path):
    plan = make_plan()
    plan.assignments.loc[0, "group"] = "=HYPERLINK(\"http://x\")"
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx"))["Assignments"]
    assert ws["A2"].data_type == "s"


def test_refuses_to_write_over_an_input(tmp_path):
    source = tmp_path / "org.xlsx"
    source.write_bytes(b"input")
    with pytest.raises(InputError, match="over the input"):
        write_plan(make_plan(), source, inputs=(source,))
    assert source.read_bytes() == b"input"


def test_an_existing_file_is_replaced_whole(tmp_path):
    out = tmp_path / "plan.xlsx"
    write_plan(make_plan(), out)
    smaller = make_plan(purchases=make_plan().purchases.iloc[:1])
    write_plan(smaller, out)
    assert list(read_plan(out)["Purchases"]["product"]) == ["m365_e3"]
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_an_empty_plan_is_written(tmp_path):
    plan = make_plan(purchases=pd.DataFrame(columns=PURCHASE_COLUMNS), annual_cost=0.0)
    tables = read_plan(write_plan(plan, tmp_path / "p.xlsx"))
    assert tables["Purchases"].empty


def test_read_plan_recomputes_formula_values(written):
    tables = read_plan(written[0])
    assert list(tables) == SHEETS
    purchases = tables["Purchases"]
    assert list(purchases.columns) == PURCHASE_COLUMNS
    assert list(purchases.index) == [2, 3, 4]  # Excel rows; TOTAL dropped
    assert list(purchases["monthly_cost"]) == [2880.0, 1140.0, 180.0]
    assert list(purchases["annual_cost"]) == [34560.0, 13680.0, 2160.0]
    summary = tables["Summary"].set_index("field")["value"]
    assert summary["annual_cost"] == pytest.approx(50_400.0)
    assert summary["savings"] == pytest.approx(1_600.0)
    assert summary["currency"] == "USD"
    assert list(tables["Compliance"]["passed"]) == [True, False]
    assert list(tables["Assignments"]["group"]) == ["Office", "Security"]


def test_read_plan_sees_hand_edits(written):
    path, wb = written
    wb["Purchases"]["D3"] = 30  # 30 instead of 20 m365_e5
    wb.save(path)
    tables = read_plan(path)
    assert tables["Purchases"].loc[3, "annual_cost"] == 30 * 57.0 * 12
    summary = tables["Summary"].set_index("field")["value"]
    assert summary["annual_cost"] == pytest.approx(34_560 + 30 * 57 * 12 + 2_160)


def test_read_plan_reports_every_bad_number(written):
    path, wb = written
    wb["Purchases"]["D2"] = "eighty"
    wb["Assignments"]["B3"] = "many"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_plan(path)
    lines = err.value.lines()
    assert any("Purchases" in s and "row 2" in s and "quantity" in s for s in lines)
    assert any("Assignments" in s and "row 3" in s and "users" in s for s in lines)


def test_read_plan_needs_the_purchases_sheet(written):
    path, wb = written
    del wb["Purchases"]
    wb.save(path)
    with pytest.raises(InputError, match="missing sheet 'purchases'"):
        read_plan(path)
