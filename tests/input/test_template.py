"""The blank input workbook: sheets, headers, comments, dropdowns and valid examples."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from planner.errors import InputError
from planner.input.sheets import open_workbook, read_table
from planner.input.template import ORGANIZATION_FIELDS, SHEETS, write_template

HEADERS = {
    "Organization": ["field", "value"],
    "Groups": ["group", "users", "worker", "devices_per_user", "primary_device", "needs",
               "devices", "notes"],
    "Holdings": ["product", "quantity", "group", "sa", "ends", "paid_up"],
    "Prices": ["product", "unit_price", "note"],
    "Growth": ["group", "from", "users"],
}


def fake_catalog():
    """The slice of planner.catalog.load.Catalog the template reads."""
    return SimpleNamespace(
        products=pd.DataFrame(
            {"name": ["Microsoft 365 E3", "Microsoft 365 E5", "Copilot"],
             "kind": ["suite", "suite", "addon"], "basis": ["user"] * 3},
            index=pd.Index(["m365_e3", "m365_e5", "copilot"], name="id")),
        needs=pd.DataFrame(
            {"description": ["Office desktop apps", "Mailbox", "Copilot"]},
            index=pd.Index(["office_apps", "mailbox", "copilot"], name="id")),
        profiles={"m365_e3_equivalent": ("office_apps", "mailbox")},
        price_list_ids=lambda: ["list-2022", "list-2026"],
        default_price_list=lambda on=None: "list-2026",
    )


@pytest.fixture
def path(tmp_path):
    return write_template(tmp_path / "org.xlsx", catalog=fake_catalog())


@pytest.fixture
def wb(path):
    return openpyxl.load_workbook(path)


def validations(ws) -> dict[str, object]:
    """First cell of each validated range -> its DataValidation."""
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_sheets_in_order_with_lists_hidden(wb):
    assert wb.sheetnames == ["Instructions", "Organization", "Groups", "Holdings", "Prices",
                             "Growth", "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    assert wb.active.title == "Instructions"


@pytest.mark.parametrize("sheet", list(HEADERS))
def test_headers_bold_frozen_and_explained(wb, sheet):
    ws = wb[sheet]
    header = [c for c in ws[1] if c.value is not None]
    assert [c.value for c in header] == HEADERS[sheet]
    assert all(c.font.bold for c in header)
    assert all(c.comment is not None and len(c.comment.text) > 10 for c in header)
    assert ws.freeze_panes == "A2"


def test_organization_settings_with_examples_and_dropdowns(wb):
    ws = wb["Organization"]
    values = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2)}
    assert list(values) == ["name", "currency", "agreement", "renewal_date", "as_of",
                            "price_list", "discount_pct", "exchange_rate", "exchange_rate_date",
                            "discount_rate", "notes"]
    assert values["currency"] == "USD" and values["agreement"] == "EA"
    assert values["price_list"] == "list-2026"
    assert values["as_of"].date() == date.today()
    assert values["renewal_date"].date() > date.today()
    assert all(ws.cell(row=r, column=1).comment for r in range(2, 9))
    rules = validations(ws)
    assert rules["B4"].formula1 == '"EA,EAS,MCA-E,CSP"'
    assert rules["B7"].formula1 == "Lists!$C$2:$C$3"
    assert rules["B8"].type == "decimal"
    assert rules["B5"].type == "date" and rules["B6"].type == "date"
    assert (rules["B11"].type, rules["B11"].formula1, rules["B11"].formula2) == (
        "decimal", "0", "0.9999")


def test_groups_example_and_dropdowns(wb):
    ws = wb["Groups"]
    row = dict(zip(HEADERS["Groups"], [c.value for c in ws[2]]))
    assert row["users"] == 500 and row["worker"] == "information"
    assert row["primary_device"] == "windows_pro" and row["needs"] == "m365_e3_equivalent"
    rules = validations(ws)
    assert rules["C2"].formula1 == '"information,frontline"'
    assert rules["E2"].formula1 == '"windows_pro,windows_enterprise,other,none"'
    assert rules["B2"].type == "whole"
    needs = rules["F2"]
    assert needs.formula1 == "Lists!$B$2:$B$5"
    assert not needs.showErrorMessage  # comma-separated ids must stay allowed
    assert needs.showInputMessage and "comma" in needs.prompt


def test_holdings_example_and_dropdowns(wb):
    ws = wb["Holdings"]
    row = dict(zip(HEADERS["Holdings"], [c.value for c in ws[2]]))
    renewal = {r[0].value: r[1].value for r in wb["Organization"].iter_rows(min_row=2)}
    assert row == {"product": "m365_e3", "quantity": 500, "group": "Office staff", "sa": "N",
                   "ends": renewal["renewal_date"], "paid_up": "N"}
    assert ws["E2"].number_format == "yyyy-mm-dd"
    rules = validations(ws)
    assert rules["A2"].formula1 == "Lists!$A$2:$A$4"
    assert rules["C2"].formula1 == "Groups!$A$2:$A$501"
    assert rules["D2"].formula1 == rules["F2"].formula1 == '"Y,N"'
    assert rules["B2"].type == "whole" and rules["B2"].formula1 == "1"


def test_prices_is_empty_with_dropdowns(wb):
    ws = wb["Prices"]
    assert ws.max_row == 1
    assert validations(ws)["A2"].formula1 == "Lists!$A$2:$A$4"


def test_lists_hold_catalog_ids(wb):
    columns = {c[0].value: [v.value for v in c[1:] if v.value is not None]
               for c in wb["Lists"].iter_cols()}
    assert columns["product"] == ["m365_e3", "m365_e5", "copilot"]
    assert columns["need_or_profile"] == ["office_apps", "mailbox", "copilot",
                                          "m365_e3_equivalent"]
    assert columns["price_list"] == ["list-2022", "list-2026"]


def test_prompts_fit_excel_limits(wb):
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 255
            assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32


def test_instructions_explain_columns_ids_and_commands(wb):
    text = "\n".join(str(v) for row in wb["Instructions"].iter_rows(values_only=True)
                     for v in row if v is not None)
    assert "planner validate ORG.xlsx" in text and "planner solve ORG.xlsx" in text
    described = [c for sheet, cs in SHEETS.items() if sheet != "Organization" for c in cs]
    for column in described + list(ORGANIZATION_FIELDS):
        assert column.description in text
    for allowed in ("information, frontline", "EA, EAS, MCA-E, CSP"):
        assert allowed in text
    for ident in ("m365_e5", "Office desktop apps", "m365_e3_equivalent", "list-2022"):
        assert ident in text
    assert "unit_price 33.75" in text


def test_the_project_reader_reads_it_without_errors(path):
    wb = open_workbook(path)
    issues = []
    tables = {sheet: read_table(wb, path.name, sheet.lower(), HEADERS[sheet], [], issues)
              for sheet in HEADERS}
    assert issues == []
    assert len(tables["Groups"].rows) == 1 and len(tables["Prices"].rows) == 0


def test_never_replaces_an_existing_workbook_unless_asked(tmp_path):
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"filled in")
    with pytest.raises(InputError, match="exists and was not written by planner; kept"):
        write_template(path, catalog=fake_catalog())
    assert path.read_bytes() == b"filled in"
    write_template(path, catalog=fake_catalog(), overwrite=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Instructions"


def test_replaces_its_own_unchanged_template_but_keeps_an_edited_one(path):
    write_template(path, catalog=fake_catalog())
    write_template(path, catalog=fake_catalog())  # planner's own, unchanged: replaced
    wb = openpyxl.load_workbook(path)
    wb["Groups"].append(["sales", 10])
    wb.save(path)
    edited = path.read_bytes()
    with pytest.raises(InputError, match="was changed since planner wrote it; kept"):
        write_template(path, catalog=fake_catalog())
    assert path.read_bytes() == edited


def test_with_the_shipped_catalog(tmp_path):
    try:
        from planner.catalog.load import load_catalog
    except ImportError:
        pytest.skip("planner.catalog.load is not available yet")
    catalog = load_catalog()
    wb = openpyxl.load_workbook(write_template(tmp_path / "org.xlsx"))
    lists = {c[0].value: [v.value for v in c[1:] if v.value is not None]
             for c in wb["Lists"].iter_cols()}
    assert lists["product"] == list(catalog.products.index)
    assert wb["Holdings"]["A2"].value in catalog.products.index
    for token in wb["Groups"]["F2"].value.split(","):
        assert token.strip() in catalog.needs.index or token.strip() in catalog.profiles
    organization = {r[0].value: r[1].value for r in wb["Organization"].iter_rows(min_row=2)}
    assert organization["price_list"] in catalog.price_list_ids()


def test_the_examples_pass_validation(tmp_path):
    validate = pytest.importorskip("planner.input.validate")
    org = validate.read_org(write_template(tmp_path / "org.xlsx"))
    assert org.warnings == ()
    assert [g.name for g in org.groups] == ["Office staff"]
    assert org.holdings[0].ends == org.org.renewal_date


def test_every_sheet_has_a_print_setup(wb):
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        assert ws.page_setup.fitToWidth == 1 and ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title


def test_input_rows_follow_the_template_columns():
    from planner.input.organization import Group, Holding, Organization, OrgInputs, PriceOverride
    from planner.input.template import input_rows

    inputs = OrgInputs(Organization("Org", as_of=date(2026, 11, 23), notes=""),
                       (Group("staff", 10, needs=("mailbox", "teams"), notes="HQ"),),
                       (Holding("m365_e3", 10, "staff", sa=True, ends=date(2027, 6, 30)),),
                       (PriceOverride("m365_e3", 30.5, "negotiated"),))
    rows = input_rows(inputs)
    assert rows["Groups"] == [("staff", 10, "information", 1, "windows_pro", "mailbox, teams",
                               None, "HQ")]
    assert rows["Holdings"] == [("m365_e3", 10, "staff", "Y", date(2027, 6, 30), "N")]
    assert rows["Prices"] == [("m365_e3", 30.5, "negotiated")]
    organization = dict(rows["Organization"])
    assert list(organization) == [f.name for f in ORGANIZATION_FIELDS]
    assert organization["as_of"] == date(2026, 11, 23) and organization["notes"] is None
    assert organization["exchange_rate"] is None


def test_the_growth_example_and_discount_rate_are_read_back(tmp_path):
    validate = pytest.importorskip("planner.input.validate")
    org = validate.read_org(write_template(tmp_path / "org.xlsx"))
    (growth,) = org.growth
    assert growth.group == "Office staff" and growth.start == org.org.renewal_date
    assert growth.users > org.groups[0].users
    assert org.org.discount_rate == 0


def test_input_sheets_copy_growth_only_when_given():
    from planner.input.organization import Group, Growth, Organization, OrgInputs
    from planner.input.template import write_input_sheets

    inputs = OrgInputs(Organization("Org"), (Group("staff", 10, needs=("mailbox",)),))
    assert "Growth" not in [ws.title for ws in write_input_sheets(openpyxl.Workbook(), inputs)]
    grown = inputs.replace(growth=(Growth("staff", date(2027, 1, 1), 12),))
    wb = openpyxl.Workbook()
    write_input_sheets(wb, grown)
    assert list(wb["Growth"].iter_rows(values_only=True))[:2] == [
        ("group", "from", "users"), ("staff", date(2027, 1, 1), 12)]
