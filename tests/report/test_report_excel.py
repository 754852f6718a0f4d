"""The plan workbook: sheets, values every reader sees, Checks formulas, Changes, chart,
print setup, the copied inputs, atomic writing and reading back."""
from __future__ import annotations

import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pytest
from render import convert, needs_soffice

from planner.errors import InputError
from planner.input.organization import Group, Holding, Organization, OrgInputs
from planner.report.excel import SHEET_ORDER, read_plan, write_plan
from planner.report.layout import currency_format, text_lines
from planner.results import (
    ALTERNATIVE_COLUMNS,
    ASSIGNMENT_COLUMNS,
    COMPLIANCE_COLUMNS,
    PURCHASE_COLUMNS,
    Plan,
)
from planner.input.validate import read_org
from planner.table import Table

SHEETS = list(SHEET_ORDER)
INPUT_SHEETS = ["Organization", "Groups", "Holdings", "Prices"]
LONG = ("cheapest of 7 compliant bundles; m365_e3_addon_sa rides on the SA-covered "
        "on-premises licences; next best: ems_e3 + win_ent_e3 at +154.32 USD/user/year")


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
            dict(group="Office", users=85, products=("m365_e3",), annual_cost_per_user=432.0,
                 why="cheapest"),
            dict(group="Security", users=20, products=("m365_e5",), annual_cost_per_user=684.0,
                 why=LONG),
        ], columns=ASSIGNMENT_COLUMNS),
        alternatives=pd.DataFrame([
            dict(group="Office", rank=1, chosen=(("m365_e3",),),
                 alternative=(("o365_e3", "ems_e3"),),
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
    names = {"purchases": "purchase_rows", "assignments": "assignment_rows",
             "alternatives": "alternative_rows", "compliance": "compliance_rows"}
    tables = {rows: Table.of(fields.pop(name)) for name, rows in names.items() if name in fields}
    return Plan(**fields, **tables)


def make_org(**changes) -> OrgInputs:
    """The organization make_plan() stands for."""
    org = Organization("Contoso", "USD", "EA", date(2027, 6, 30), date(2026, 11, 23),
                       "us-list-2026-07", notes="assumption: steady headcount")
    return OrgInputs(
        org.__class__(**{**org.__dict__, **changes}),
        (Group("Office", 85, needs=("m365_e3_equivalent",), row=2),
         Group("Security", 20, needs=("m365_e5_equivalent",), devices_per_user=2, row=3)),
        (Holding("m365_e3", 80, "Office", ends=date(2027, 6, 30), row=2),), (),
        source="contoso.xlsx")


@pytest.fixture
def written(tmp_path):
    path = write_plan(make_plan(), tmp_path / "plan.xlsx", org=make_org())
    return path, openpyxl.load_workbook(path)


def summary_rows(ws) -> dict[str, openpyxl.cell.Cell]:
    return {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}


def test_sheets_in_order_then_the_inputs(written):
    _, wb = written
    assert wb.sheetnames == SHEETS + INPUT_SHEETS
    assert wb.active.title == "Summary"


def test_without_the_organization_no_input_sheets(tmp_path):
    wb = openpyxl.load_workbook(write_plan(make_plan(), tmp_path / "p.xlsx"))
    assert wb.sheetnames == SHEETS
    assert "Planned for" not in summary_rows(wb["Summary"])


@pytest.mark.parametrize("sheet, columns", [
    ("Purchases", PURCHASE_COLUMNS), ("Assignments", ASSIGNMENT_COLUMNS),
    ("Alternatives", ALTERNATIVE_COLUMNS), ("Compliance", COMPLIANCE_COLUMNS),
    ("Changes", ["product", "product_name", "held", "planned", "change"]),
])
def test_tables_have_bold_frozen_headers_and_filters(written, sheet, columns):
    ws = written[1][sheet]
    header = [c.value for c in ws[1]][:len(columns)]
    assert header == columns
    assert all(c.font.bold for c in ws[1][:len(columns)])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")


# ------------------------------------------------------------------ values, not formulas

def test_every_figure_is_a_value_on_the_plan_sheets(written):
    _, wb = written
    for title in SHEETS[:-1] + INPUT_SHEETS:  # all but Checks
        formulas = [c.coordinate for row in wb[title].iter_rows() for c in row
                    if c.data_type == "f"]
        assert formulas == [], title


def test_purchase_costs_and_total_row(written):
    ws = written[1]["Purchases"]
    assert [ws["F2"].value, ws["G2"].value] == [2880, 34560]
    assert ws["A5"].value == "TOTAL" and ws["A5"].font.bold
    assert [ws["F5"].value, ws["G5"].value] == [4200, 50400]
    # The TOTAL row stays out of the filter so sorting never moves it.
    assert ws.auto_filter.ref == "A1:H4"


def test_pandas_reads_every_number(written):
    path, _ = written
    sheets = pd.read_excel(path, sheet_name=None)
    purchases = sheets["Purchases"]
    body = purchases.iloc[:-1]
    assert not body[["quantity", "unit_price", "monthly_cost", "annual_cost"]].isna().any().any()
    assert purchases["annual_cost"].iloc[-1] == 50_400  # the TOTAL row
    summary = sheets["Summary"].set_index("field")["value"]
    assert summary["Annual cost"] == 50_400
    assert summary["Savings"] == 1_600
    assert summary["Baseline (compliant status quo)"] == 52_000
    changes = sheets["Changes"]
    assert changes["annual_cost"].notna().all()
    assert sheets["Cost by product"]["annual_cost"].tolist() == [36_720, 13_680]


def test_money_columns_use_the_currency_format(written):
    ws = written[1]["Purchases"]
    for cell in ("E2", "F2", "G2", "G5"):
        assert ws[cell].number_format == '"$"#,##0.00'
    assert written[1]["Assignments"]["D2"].number_format == '"$"#,##0.00'
    assert written[1]["Alternatives"]["E2"].number_format == '"$"#,##0.00'
    assert written[1]["Changes"]["I2"].number_format == '"$"#,##0.00'


@pytest.mark.parametrize("currency, expected", [
    ("USD", '"$"#,##0.00'), ("eur", '"€"#,##0.00'), ("GBP", '"£"#,##0.00'),
    ("CHF", '"CHF" #,##0.00'),
])
def test_currency_format(currency, expected):
    assert currency_format(currency) == expected


def test_other_currency_appears_in_the_number_format(tmp_path):
    wb = openpyxl.load_workbook(write_plan(make_plan(currency="CHF"), tmp_path / "p.xlsx"))
    assert wb["Purchases"]["G2"].number_format == '"CHF" #,##0.00'
    assert summary_rows(wb["Summary"])["Baseline (compliant status quo)"] \
        .number_format == '"CHF" #,##0.00'


# ------------------------------------------------------------------ Summary

def test_summary_names_what_the_plan_was_made_with(written):
    ws = written[1]["Summary"]
    assert [c.value for c in ws[1]] == ["field", "value"]
    rows = {k: c.value for k, c in summary_rows(ws).items()}
    assert rows["Organization"] == "Contoso"
    assert rows["Input file"] == "contoso.xlsx"
    assert rows["Planning point"] == "renewal"
    assert rows["Planned for"].date() == date(2027, 6, 30)  # renewal: the renewal date
    assert rows["As of (planning date)"].date() == date(2026, 11, 23)
    assert rows["Renewal date"].date() == date(2027, 6, 30)
    assert rows["Price list"].startswith("us-list-2026-07 (USD, in force from 2026-07-01: ")
    assert rows["Currency"] == "USD"
    assert rows["Tool version"].startswith("planner ")
    assert rows["Catalog"].startswith(rows["Tool version"] + " catalog, data sha256 ")
    assert rows["Status"] == "optimal" and rows["Proven optimal"] == "yes"
    assert rows["Optimality gap"] == 0 and rows["Solver"] == "highs"
    assert rows["of which committed"] == 34_560 and rows["Annual cost"] == 50_400
    assert rows["Note"] == "Prices from us-list-2026-07."
    assert "Checks sheet" in rows["Checks"]
    assert rows["Input sheets"].startswith("Organization, Groups, Holdings, Prices: ")
    assert "Exchange rate" not in rows


def test_summary_shows_the_exchange_rate(tmp_path):
    org = make_org(currency="EUR", exchange_rate=0.92, exchange_rate_date=date(2026, 11, 20))
    wb = openpyxl.load_workbook(write_plan(make_plan(currency="EUR"), tmp_path / "p.xlsx",
                                           org=org))
    rows = summary_rows(wb["Summary"])
    assert rows["Exchange rate"].value == "1 USD = 0.92 EUR (rate of 2026-11-20)"
    assert wb["Organization"]["B9"].value == 0.92  # the copied inputs carry it too


def test_a_negative_saving_is_shown_as_an_extra_cost(tmp_path):
    ws = openpyxl.load_workbook(write_plan(make_plan(baseline_annual_cost=40_000.0),
                                           tmp_path / "p.xlsx"))["Summary"]
    rows = summary_rows(ws)
    assert "Savings" not in rows
    extra = rows["Extra cost vs the baseline"]
    assert extra.value == pytest.approx(10_400) and extra.font.bold
    labels = [c.value for c in ws["A"]]
    assert not any("saving" in str(v).lower() for v in labels)


def test_amounts_the_plan_carries_are_shown(tmp_path):
    plan = make_plan()
    plan.current_annual_cost = 45_000.0
    plan.compliance_gap = {"users": 7, "annual_cost": 3_000.0, "groups": [], "cure": []}
    rows = summary_rows(openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx"))["Summary"])
    assert rows["Current annual cost (holdings renewed as they are)"].value == 45_000
    assert rows["Compliance gap (like-for-like cure), 7 users uncovered"].value == 3_000


def test_summary_notes_a_solver_cost_that_differs_from_purchases(tmp_path):
    wb = openpyxl.load_workbook(write_plan(make_plan(annual_cost=1.0), tmp_path / "p.xlsx"))
    notes = [r[1].value for r in wb["Summary"].iter_rows(min_row=2) if r[0].value == "Note"]
    assert any("differs from the solver's annual cost" in n for n in notes)


# ------------------------------------------------------------------ Changes

def test_changes_net_each_product_into_held_planned_change(written):
    ws = written[1]["Changes"]
    table = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] != "TOTAL"}
    # product, name, held, planned, change, renew, add, do_not_renew, annual_cost
    assert table["m365_e3"][2:] == (80, 85, "renew 80, add 5", 80, 5, 0, 36_720)
    assert table["m365_e5"][2:] == (0, 20, "add 20", 0, 20, 0, 13_680)
    assert list(table) == ["m365_e3", "m365_e5"]  # most expensive first
    assert ws["H1"].comment is not None


# ------------------------------------------------------------------ Checks

def test_checks_hold_the_arithmetic_as_formulas(written):
    ws = written[1]["Checks"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    first = rows[0]
    assert first[:4] == ["monthly_cost = quantity x unit_price", "Purchases row 2",
                         "=Purchases!F2", "=Purchases!D2*Purchases!E2"]
    assert first[4] == "=C2-D2" and first[5].startswith("=IF(ABS(E2)<=")
    checks = [r[0] for r in rows]
    assert "TOTAL = sum of the rows" in checks
    assert "annual cost = Purchases TOTAL" in checks
    assert "savings = baseline - annual cost" in checks
    assert "m365_e3: planned = kept + added" in checks


def test_a_part_year_cost_is_kept_with_its_months(tmp_path):
    plan = make_plan()
    plan.purchases.loc[2, "annual_cost"] = 180.0 * 5  # five months left
    wb = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx"))
    assert wb["Purchases"]["G4"].value == 900 and wb["Purchases"]["G4"].comment is not None
    annual = [r for r in wb["Checks"].iter_rows(min_row=2, values_only=True)
              if r[1] == "Purchases row 4" and r[0].startswith("annual")]
    assert annual[0][0] == "annual_cost = monthly_cost x 5 months"
    assert annual[0][3] == "=Purchases!F4*5.0"


@needs_soffice
def test_libreoffice_computes_every_check_ok_and_flags_a_hand_edit(tmp_path):
    plan = make_plan()
    plan.purchases.loc[3] = purchase("committed", "m365_e3", 15, 36.0)  # held, not used
    plan.annual_cost = float(plan.purchases["annual_cost"].sum())
    path = write_plan(plan, tmp_path / "plan.xlsx", org=make_org())
    wb = openpyxl.load_workbook(path)
    held = {r[0]: r[2] for r in wb["Changes"].iter_rows(min_row=2, values_only=True)}
    assert held["m365_e3"] == 95
    computed = openpyxl.load_workbook(convert(path, "xlsx", tmp_path / "calc"), data_only=True)
    statuses = [r[5] for r in computed["Checks"].iter_rows(min_row=2, values_only=True)]
    assert statuses and set(statuses) == {"ok"}
    wb["Purchases"]["D3"] = 30  # 30 instead of 20 m365_e5, costs left as they were
    edited = tmp_path / "edited" / "plan.xlsx"
    edited.parent.mkdir()
    wb.save(edited)
    computed = openpyxl.load_workbook(convert(edited, "xlsx", tmp_path / "calc2"), data_only=True)
    differs = {r[1] for r in computed["Checks"].iter_rows(min_row=2, values_only=True)
               if r[5] == "differs"}
    assert "Purchases row 3" in differs and "Changes row 3" in differs
    recomputed = {r[1]: r[3] for r in computed["Checks"].iter_rows(min_row=2, values_only=True)
                  if r[0] == "monthly_cost = quantity x unit_price"}
    assert recomputed["Purchases row 3"] == 30 * 57


# ------------------------------------------------------------------ the document

def test_chart_of_cost_by_product_sorted_and_labelled_with_names(written):
    path, wb = written
    ws = wb["Cost by product"]
    assert [c.value for c in ws[1]] == ["product_name", "product", "annual_cost"]
    assert [ws["A2"].value, ws["A3"].value] == ["M365_E3", "M365_E5"]  # names, by cost
    (chart,) = ws._charts
    anchor_row = chart.anchor._from.row + 1
    assert anchor_row > 3  # under the table
    last = int(ws.print_area.split(":")[-1].lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert last > anchor_row + 10  # the chart is inside the print area
    assert ws.page_setup.fitToHeight == 1  # ... and prints on one page
    with zipfile.ZipFile(path) as zf:
        xml = zf.read([n for n in zf.namelist() if n.startswith("xl/charts/chart")][0])
    assert b"barChart" in xml
    assert b"'Cost by product'!$A$2:$A$3" in xml  # categories: the product names
    assert b'orientation val="maxMin"' in xml  # first (most expensive) on top


def test_long_text_wraps_and_rows_grow(written):
    ws = written[1]["Assignments"]
    why = ws["E3"]
    assert why.value == LONG and why.alignment.wrap_text
    assert ws.column_dimensions["E"].width <= 50
    assert ws.row_dimensions[3].height >= 30
    for sheet, cell in (("Purchases", "C2"), ("Alternatives", "D2"), ("Compliance", "D2"),
                        ("Changes", "E2")):
        assert written[1][sheet][cell].alignment.wrap_text, sheet


def test_every_sheet_has_a_print_setup(written):
    _, wb = written
    for ws in wb.worksheets:
        assert ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, \
            ws.title
        assert ws.page_setup.orientation in ("landscape", "portrait"), ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title


@pytest.mark.parametrize("text, chars, lines", [("", 10, 1), ("one two three", 7, 2),
                                                ("x" * 25, 10, 3), ("a\nb", 10, 2)])
def test_text_lines(text, chars, lines):
    assert text_lines(text, chars) == lines


def test_the_copied_inputs_read_back_as_the_organization(written):
    path, _ = written
    again = read_org(path)
    org = make_org()
    assert again.org == org.org
    assert [(g.name, g.users, g.needs, g.devices_per_user) for g in again.groups] == \
        [(g.name, g.users, g.needs, g.devices_per_user) for g in org.groups]
    assert [(h.product, h.quantity, h.group, h.ends) for h in again.holdings] == \
        [("m365_e3", 80, "Office", date(2027, 6, 30))]


def test_the_organization_is_read_from_the_input_file(tmp_path, scenario_path):
    source = scenario_path("tailspin_toys")
    wb = openpyxl.load_workbook(write_plan(make_plan(), tmp_path / "p.xlsx", inputs=(source,)))
    assert wb.sheetnames[-4:] == INPUT_SHEETS
    assert "Planned for" in summary_rows(wb["Summary"])


# ------------------------------------------------------------------ writing

def test_text_is_never_written_as_a_formula(tmp_path):
    plan = make_plan()
    plan.assignments.loc[0, "group"] = "=HYPERLINK(\"http://x\")"
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx"))["Assignments"]
    assert ws["A2"].data_type == "s"


def test_refuses_to_write_over_an_input(tmp_path):
    source = tmp_path / "org.xlsx"
    source.write_bytes(b"input")
    with pytest.raises(InputError, match="over the input"):
        write_plan(make_plan(), source, inputs=(source,), org=make_org())
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
    path = write_plan(plan, tmp_path / "p.xlsx")
    tables = read_plan(path)
    assert tables["Purchases"].empty
    assert openpyxl.load_workbook(path)["Cost by product"]._charts == []


# ------------------------------------------------------------------ reading back

def test_read_plan_reads_the_values(written):
    tables = read_plan(written[0])
    assert list(tables) == ["Summary", "Purchases", "Assignments", "Alternatives", "Compliance"]
    purchases = tables["Purchases"]
    assert list(purchases.columns) == PURCHASE_COLUMNS
    assert list(purchases.index) == [2, 3, 4]  # Excel rows; TOTAL dropped
    assert list(purchases["monthly_cost"]) == [2880.0, 1140.0, 180.0]
    assert list(purchases["annual_cost"]) == [34560.0, 13680.0, 2160.0]
    summary = tables["Summary"].set_index("field")["value"]
    assert summary["annual_cost"] == pytest.approx(50_400.0)
    assert summary["savings"] == pytest.approx(1_600.0)
    assert summary["currency"] == "USD" and summary["source_file"] == "contoso.xlsx"
    assert list(tables["Compliance"]["passed"]) == [True, False]
    assert list(tables["Assignments"]["group"]) == ["Office", "Security"]


def test_read_plan_reads_an_extra_cost(tmp_path):
    path = write_plan(make_plan(baseline_annual_cost=40_000.0), tmp_path / "p.xlsx")
    summary = read_plan(path)["Summary"].set_index("field")["value"]
    assert summary["extra_cost"] == pytest.approx(10_400.0) and "savings" not in summary


def test_read_plan_reads_hand_edits_as_written_and_fills_blanks(written):
    path, wb = written
    wb["Purchases"]["D3"] = 30  # 30 instead of 20 m365_e5; its costs left as they were
    wb["Purchases"]["F4"] = None  # a deleted cost is recomputed
    wb["Purchases"]["G4"] = None
    wb.save(path)
    purchases = read_plan(path)["Purchases"]
    assert purchases.loc[3, "quantity"] == 30 and purchases.loc[3, "annual_cost"] == 13_680
    assert purchases.loc[4, "annual_cost"] == 5 * 36 * 12


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
