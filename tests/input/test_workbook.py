"""Reading ORG.xlsx (and DataFrames) into raw located rows: spellings, rows, safety."""
from __future__ import annotations

from datetime import datetime

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.errors import InputError
from planner.input.sheets import normalise
from planner.input.validate import ROW_MODELS, OrganizationFields
from planner.input.workbook import FIELD_NAMES, HEADER_MAP, SHEET_NAMES, raw_from_frames, read_workbook
from support import digest, write_xlsx




def test_header_map_names_every_model_field_once():
    for sheet, model in ROW_MODELS.items():
        assert list(HEADER_MAP[sheet]) == list(model.columns)
    assert list(FIELD_NAMES) == list(OrganizationFields.columns)
    assert set(SHEET_NAMES) == set(HEADER_MAP)
    for columns in [*HEADER_MAP.values(), FIELD_NAMES]:
        spellings = [{normalise(s) for s in aliases} for aliases in columns.values()]
        assert len(set().union(*spellings)) == sum(map(len, spellings)), "ambiguous spelling"
        # Every internal name is itself accepted (frames may use it), and written first unless
        # users know the column by another word (Growth's ``from`` is ``start`` inside).
        assert all(name in {normalise(a) for a in aliases} for name, aliases in columns.items())


def test_sheets_and_columns_are_case_insensitive_and_aliases_map(tmp_path):
    path = write_xlsx(tmp_path / "Acme.xlsx", {
        "GROUPS": [["Persona", "HEADCOUNT", "Devices Per User", "Needs"],
                   ["Office", 10, 2, "mailbox"]],
        "licences": [["Product ID", "Qty"], ["m365_e3", 5]],
    })
    raw = read_workbook(path)
    assert raw.file == "Acme.xlsx"
    assert raw.tables["groups"].rows == [
        (2, {"group": "Office", "users": 10, "devices_per_user": 2, "needs": "mailbox"})]
    assert raw.tables["holdings"].rows == [(2, {"product": "m365_e3", "quantity": 5})]
    # Issues quote the header as the user wrote it.
    assert raw.tables["groups"].issue("x", 2, "users").column == "HEADCOUNT"
    assert raw.tables["groups"].sheet == "GROUPS"
    assert not raw.issues


def test_extra_column_is_a_warning(tmp_path):
    path = write_xlsx(tmp_path / "org.xlsx", {
        "Groups": [["group", "users", "needs", "Cost centre"], ["Office", 1, "mailbox", "A1"]]})
    raw = read_workbook(path)
    (issue,) = raw.issues
    assert (issue.severity, issue.sheet, issue.row, issue.column) == (
        "warning", "Groups", 1, "Cost centre")
    assert "unknown column" in issue.message
    assert "cost_centre" not in raw.tables["groups"].rows[0][1]


def test_two_spellings_of_one_column_is_an_error(tmp_path):
    path = write_xlsx(tmp_path / "org.xlsx", {
        "Groups": [["group", "users", "headcount", "needs"], ["Office", 1, 2, "mailbox"]]})
    raw = read_workbook(path)
    (issue,) = raw.issues
    assert (issue.severity, issue.row, issue.column) == ("error", 1, "headcount")
    assert "both mean users" in issue.message
    assert raw.tables["groups"].rows[0][1]["users"] == 1


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path):
    path = write_xlsx(tmp_path / "org.xlsx", {
        "Groups": [["group", "users", "needs"], ["A", 1, "mailbox"], [None, None, None],
                   ["  ", None, ""], ["B", 2, "teams"]]})
    rows = read_workbook(path).tables["groups"].rows
    assert [r for r, _ in rows] == [2, 5]


def test_organization_field_spellings_become_internal_names(tmp_path):
    path = write_xlsx(tmp_path / "org.xlsx", {
        "organisation": [["Field", "Value"], ["Discount %", 10], ["As of", "2026-01-01"],
                         ["colour", "blue"]]})
    rows = read_workbook(path).tables["organization"].rows
    assert [rec["field"] for _, rec in rows] == ["discount_pct", "as_of", "colour"]


def test_reading_never_changes_the_file(tmp_path):
    path = write_xlsx(tmp_path / "org.xlsx", {
        "Groups": [["group", "users", "needs", "junk"], ["A", "ten", "nope", 1]]})
    before = digest(path)
    read_workbook(path)
    assert digest(path) == before


def test_not_a_workbook_is_an_input_error(tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_text("group,users\n")
    with pytest.raises(InputError, match="not an .xlsx workbook"):
        read_workbook(path)


def test_frames_read_like_sheets_with_position_plus_two_rows():
    groups = pd.DataFrame({"Group": ["A", "B"], "users": [1, 2],
                           "needs": [["mailbox", "teams"], "copilot"]}, index=[10, 20])
    holdings = pd.DataFrame({"product": ["m365_e3"], "quantity": [pd.NA],
                             "ends": [pd.Timestamp("2027-01-31")]})
    raw = raw_from_frames(groups, holdings, organization={"Currency": "EUR"})
    assert raw.file == ""
    assert raw.tables["groups"].rows == [
        (2, {"group": "A", "users": 1, "needs": "mailbox, teams"}),
        (3, {"group": "B", "users": 2, "needs": "copilot"})]
    assert raw.tables["holdings"].rows == [
        (2, {"product": "m365_e3", "quantity": None, "ends": datetime(2027, 1, 31)})]
    assert raw.tables["organization"].rows == [(2, {"field": "currency", "value": "EUR"})]
    assert type(raw.tables["groups"].rows[0][1]["users"]) is int


# ------------------------------------------------------------------ one specification

def test_the_row_models_follow_the_column_specification():
    from planner.input.validate import RULE_CONVERTERS, convert
    from planner.input.workbook import CHOICES, FIELDS, RULE_KINDS, SHEETS

    assert set(RULE_KINDS) == set(RULE_CONVERTERS) | set(CHOICES)
    models = {**{key: ROW_MODELS[key] for key in ROW_MODELS}, "fields": OrganizationFields}
    for key, model in models.items():
        columns = FIELDS if key == "fields" else SHEETS[key].columns
        assert list(model.columns) == [c.name for c in columns], key
        assert model.required == [c.name for c in columns if c.default == "required"], key
        blank, errors = convert(model, {})
        assert [name for name, _ in errors] == model.required, key
        for c in columns:
            default = getattr(blank, c.name)
            if c.required:
                assert default is None, (key, c.name)
            elif default not in (None, ""):
                shown = ("Y" if default else "N") if isinstance(default, bool) else default
                assert c.default.startswith(f"`{shown:g}`" if isinstance(shown, float)
                                            else f"`{shown}`"), (key, c.name, c.default)


def test_a_bad_cell_is_reported_with_the_converters_message_and_left_none():
    from planner.input.validate import GroupRow, convert

    row, errors = convert(GroupRow, {"group": " Sales ", "users": "12.5", "worker": "frontline",
                                     "needs": "teams; email", "devices_per_user": True})
    assert row.group == "Sales" and row.needs == ("teams", "email")
    assert row.users is None and row.devices_per_user is None
    assert dict(errors) == {"users": "12.5 is not a whole number",
                            "devices_per_user": "TRUE is a yes/no value, not a whole number"}
    with pytest.raises(AttributeError):
        row.users = 3


def test_the_nomenclature_tables_are_generated_from_the_specification():
    from planner.input.workbook import DOCS_TABLE, generated_docs

    docs = Path(__file__).resolve().parents[2] / "docs" / "nomenclature.md"
    text = docs.read_text(encoding="utf-8")
    assert {m[2] for m in DOCS_TABLE.finditer(text)} == {"fields", "groups", "holdings",
                                                         "prices", "growth"}
    assert generated_docs(text) == text, "run: python scripts/regen_nomenclature.py"


def test_the_template_writes_the_specified_columns_and_rules():
    from planner.input.template import ORGANIZATION_FIELDS, SHEETS as TEMPLATE, _allowed
    from planner.input.workbook import FIELDS, SHEETS

    assert set(TEMPLATE) == {s.title for s in SHEETS.values()}
    for sheet in SHEETS.values():
        written = TEMPLATE[sheet.title]
        assert [c.header for c in written] == [c.header for c in sheet.columns if c.template]
    assert list(ORGANIZATION_FIELDS) == [f for f in FIELDS if f.template]
    for c in [*FIELDS, *(c for s in SHEETS.values() for c in s.columns)]:
        assert _allowed(c.rule) and c.description, c.name


def test_sheet_rows_follow_the_specification_and_refuse_other_columns():
    from planner.input.template import sheet_row
    from planner.input.workbook import SHEETS

    names = [c.name for c in SHEETS["holdings"].columns if c.template]
    row = sheet_row("Holdings", ends="2027-06-30", product="m365_e3")
    assert row[names.index("product")] == "m365_e3"
    assert row[names.index("ends")] == "2027-06-30"
    assert sum(v is not None for v in row) == 2 and len(row) == len(names)
    with pytest.raises(KeyError, match="qty"):
        sheet_row("Holdings", qty=3)


def test_example_workbooks_carry_the_specified_headers_in_order(tmp_path):
    from planner.examples import EXAMPLES, write_definition
    from planner.input.workbook import SHEETS

    spec = {**EXAMPLES["tiny"],
            "groups": [{**EXAMPLES["tiny"]["groups"][0], "pcs_per_user": 1}],
            "prices": [{"product": "m365_e3", "unit_price": 30}],
            "growth": [{"group": "office", "start": "2027-01-01", "users": 45}]}
    wb = openpyxl.load_workbook(write_definition(spec, tmp_path / "org.xlsx"))
    for sheet in SHEETS.values():
        headers = [c.value for c in wb[sheet.title][1]]
        written = [c.header for c in sheet.columns if c.template]
        assert headers[:len(written)] == written, sheet.title
    assert [c.value for c in wb["Groups"][1]][-1] == "pcs_per_user"
    assert wb["Growth"]["B1"].value == "from"


def test_the_importers_per_kind_columns_are_groups_columns():
    from planner.importer.feasibility import PER_KIND
    from planner.importer.writer import PER_KIND_MEANING
    from planner.input.workbook import HEADER_MAP

    assert set(PER_KIND) == set(PER_KIND_MEANING)
    assert all(HEADER_MAP["groups"][name][0] == name for name in PER_KIND)
