"""Validation of organization inputs: every rule, located exactly, all reported at once."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from support import digest, write_xlsx

from planner.errors import InputError, Issue
from planner.input.organization import Group, Holding, Organization, OrgInputs, PriceOverride
from planner.input.validate import ROW_MODELS, OrganizationFields, org_from_frames, read_org

DOCS = Path(__file__).resolve().parents[2] / "docs" / "nomenclature.md"

# One small valid organization; tests vary it with cell() and row().
BASE: dict[str, list[list]] = {
    "Organization": [
        ["field", "value"],
        ["name", "Contoso"],                     # row 2
        ["currency", "USD"],                     # row 3
        ["agreement", "ea"],                     # row 4
        ["renewal_date", datetime(2027, 6, 30)],  # row 5
        ["as_of", "2026-07-15"],                 # row 6
        ["price_list", "us-list-2026-07"],       # row 7
        ["discount_pct", "15%"],                 # row 8
    ],
    "Groups": [
        ["group", "users", "worker", "devices_per_user", "primary_device", "needs", "devices",
         "notes"],
        ["Office", 520.0, "information", 2, "windows_pro", "m365_e3_equivalent, copilot", None,
         "HQ"],
        ["Shop floor", 40, "Frontline", None, "Other", "frontline_basic", 10, None],
    ],
    "Holdings": [
        ["product", "quantity", "group", "sa", "ends", "paid_up"],
        ["m365_e3", 100, "office", "N", datetime(2027, 6, 30), None],
        ["professional_desktop", 100, None, "yes", "2027-06-30", "Y"],
        ["o365_e3_addon_sa", 50, None, None, None, None],
    ],
    "Prices": [
        ["product", "unit_price", "note"],
        ["m365_e3", 33.5, "negotiated"],
    ],
}

EXPECTED = OrgInputs(
    org=Organization("Contoso", "USD", "EA", date(2027, 6, 30), date(2026, 7, 15),
                     "us-list-2026-07", 15.0),
    groups=(
        Group("Office", 520, "information", 2, "windows_pro", ("m365_e3_equivalent", "copilot"),
              None, "HQ", row=2),
        Group("Shop floor", 40, "frontline", 1, "other", ("frontline_basic",), 10, "", row=3),
    ),
    holdings=(
        Holding("m365_e3", 100, "Office", False, date(2027, 6, 30), False, row=2),
        Holding("professional_desktop", 100, None, True, date(2027, 6, 30), True, row=3),
        Holding("o365_e3_addon_sa", 50, None, False, None, False, row=4),
    ),
    prices=(PriceOverride("m365_e3", 33.5, "negotiated", row=2),),
    source="org.xlsx",
)


def cell(sheet: str, row: int, column: str, value):
    """A change: the cell at Excel ``row`` under header ``column`` of ``sheet`` set to ``value``."""
    def change(sheets):
        sheets[sheet][row - 1][sheets[sheet][0].index(column)] = value
    return change


def row(sheet: str, values: list):
    """A change: ``values`` appended to ``sheet``."""
    return lambda sheets: sheets[sheet].append(values)


def org_file(tmp_path, *changes, drop: tuple[str, ...] = (), name="org.xlsx") -> Path:
    """BASE with ``changes`` applied (``cell()``, ``row()`` or ``{sheet: rows}``) and the
    sheets in ``drop`` removed, written as a workbook."""
    sheets = {title: [list(r) for r in rows] for title, rows in BASE.items()}
    for change in changes:
        sheets.update(change) if isinstance(change, dict) else change(sheets)
    return write_xlsx(tmp_path / name, {t: r for t, r in sheets.items() if t not in drop})


def issues_of(path) -> list[Issue]:
    """The errors read_org reports for ``path``."""
    with pytest.raises(InputError) as info:
        read_org(path)
    return info.value.issues


def only(issues: list[Issue], sheet: str, row: int | None, column: str | None) -> Issue:
    """The single issue at (sheet, row, column), failing with all issues shown otherwise."""
    found = [i for i in issues if (i.sheet, i.row, i.column) == (sheet, row, column)]
    assert len(found) == 1, "\n".join(map(str, issues))
    return found[0]


def error_at(tmp_path, sheet, row_, column, *changes, drop=()) -> Issue:
    """The one error reported, asserting it is at (sheet, row, column)."""
    issues = issues_of(org_file(tmp_path, *changes, drop=drop))
    assert len(issues) == 1, "\n".join(map(str, issues))
    return only(issues, sheet, row_, column)


# ------------------------------------------------------------------ whole files

def test_valid_workbook_round_trips(tmp_path):
    assert read_org(org_file(tmp_path)) == EXPECTED


def test_template_workbook_is_valid(tmp_path):
    from planner.input.template import write_template

    inputs = read_org(write_template(tmp_path / "template.xlsx"))
    assert inputs.groups and not inputs.warnings


def test_every_error_is_reported_at_once_and_file_is_untouched(tmp_path):
    path = org_file(
        tmp_path,
        cell("Organization", 3, "value", "EURO"),
        cell("Groups", 2, "users", "ten"),
        cell("Groups", 3, "needs", "mailbx"),
        cell("Holdings", 2, "product", "m365_e9"),
        cell("Prices", 2, "unit_price", "€12"),
    )
    before = digest(path)
    issues = issues_of(path)
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("Organization", 3, "value"), ("Groups", 2, "users"), ("Groups", 3, "needs"),
        ("Holdings", 2, "product"), ("Prices", 2, "unit_price")]
    assert all(i.file == "org.xlsx" for i in issues)
    assert digest(path) == before


def test_sheet_and_column_names_are_case_insensitive(tmp_path):
    sheets = {title.upper(): [[str(h).title() for h in rows[0]], *rows[1:]]
              for title, rows in BASE.items()}
    path = write_xlsx(tmp_path / "org.xlsx", sheets)
    assert read_org(path) == EXPECTED


def test_extra_column_is_only_a_warning(tmp_path):
    groups = [[*r, x] for r, x in zip(BASE["Groups"], ["Cost centre", "A1", "B2"])]
    inputs = read_org(org_file(tmp_path, {"Groups": groups}))
    assert inputs.groups == EXPECTED.groups
    assert inputs.warnings == ("org.xlsx, sheet Groups, row 1, column Cost centre: "
                               "unknown column 'Cost centre' ignored",)


def test_optional_sheets_may_be_missing(tmp_path):
    inputs = read_org(org_file(tmp_path, drop=("Holdings", "Prices", "Organization"),
                               name="Fabrikam.xlsx"))
    assert inputs.holdings == inputs.prices == ()
    assert inputs.org.name == "Fabrikam" and inputs.org.currency == "USD"
    assert inputs.org.as_of == date.today() and inputs.org.discount_pct == 0
    assert any("no 'Organization' sheet" in w for w in inputs.warnings)


def test_missing_groups_sheet(tmp_path):
    issues = issues_of(org_file(tmp_path, drop=("Groups",)))
    issue = only(issues, None, None, None)
    assert "missing sheet 'Groups'" in issue.message and "Holdings" in issue.hint


# ------------------------------------------------------------------ Organization

@pytest.mark.parametrize("row_, value, fragment", [
    (3, "EURO", "not a 3-letter currency code"),
    (4, "Select", "not one of EA, EAS, MCA-E, CSP"),
    (5, "31/12/2026", "use an Excel date or YYYY-MM-DD"),
    (6, "2026-02-30", "not a valid date"),
    (6, 46000, "not a date"),
    (8, 100, "below 100"),
    (8, -5, "at least 0"),
    (8, "lots", "not a percentage"),
    (8, True, "yes/no value"),
])
def test_bad_organization_value(tmp_path, row_, value, fragment):
    issue = error_at(tmp_path, "Organization", row_, "value", cell("Organization", row_, "value",
                                                                  value))
    assert fragment in issue.message


@pytest.mark.parametrize("value, expected", [(15, 15.0), ("15 %", 15.0), (12.5, 12.5),
                                             (None, 0.0)])
def test_discount_forms(tmp_path, value, expected):
    path = org_file(tmp_path, cell("Organization", 8, "value", value))
    assert read_org(path).org.discount_pct == expected


def test_discount_below_one_percent_warns(tmp_path):
    inputs = read_org(org_file(tmp_path, cell("Organization", 8, "value", 0.15)))
    assert inputs.org.discount_pct == 0.15
    (warning,) = inputs.warnings
    assert warning.startswith("org.xlsx, sheet Organization, row 8, column value: ")
    assert "write 15 for 15 %" in warning


def test_agreement_is_case_insensitive(tmp_path):
    inputs = read_org(org_file(tmp_path, cell("Organization", 4, "value", "mca-e")))
    assert inputs.org.agreement == "MCA-E"


def test_unknown_price_list_suggests(tmp_path):
    issue = error_at(tmp_path, "Organization", 7, "value",
                     cell("Organization", 7, "value", "us-list-2026-7"))
    assert "unknown price list 'us-list-2026-7'" in issue.message
    assert issue.hint == "did you mean 'us-list-2026-07'?"


def test_unknown_field_warns_and_duplicate_field_errors(tmp_path):
    inputs = read_org(org_file(tmp_path, row("Organization", ["colour", "blue"])))
    assert inputs.warnings == ("org.xlsx, sheet Organization, row 9, column field: unknown "
                               "field 'colour' ignored (valid: name, currency, agreement, "
                               "renewal_date, as_of, price_list, discount_pct, exchange_rate, "
                               "exchange_rate_date, discount_rate, notes, billing, "
                               "holds_with_teams_suite)",)
    issue = error_at(tmp_path, "Organization", 9, "field",
                     row("Organization", ["Currency", "USD"]))
    assert "duplicate field 'currency' (first given on row 3)" in issue.message


# ------------------------------------------------------------------ Groups

@pytest.mark.parametrize("value, fragment", [
    (12.5, "12.5 is not a whole number"),
    (-3, "must be at least 0, got -3"),
    ("ten", "'ten' is not a whole number"),
    (True, "TRUE is a yes/no value"),
    (None, "missing value"),
])
def test_bad_users(tmp_path, value, fragment):
    issue = error_at(tmp_path, "Groups", 2, "users", cell("Groups", 2, "users", value))
    assert fragment in issue.message


@pytest.mark.parametrize("column, value, fragment", [
    ("worker", "office", "not one of information, frontline"),
    ("primary_device", "mac", "not one of windows_pro, windows_enterprise, other, none"),
    ("devices_per_user", 1.5, "not a whole number"),
    ("devices", -1, "at least 0"),
    ("needs", " ; ", "no needs"),
])
def test_bad_group_value(tmp_path, column, value, fragment):
    issue = error_at(tmp_path, "Groups", 3, column, cell("Groups", 3, column, value))
    assert fragment in issue.message


def test_text_looking_numbers_are_read(tmp_path):
    inputs = read_org(org_file(tmp_path, cell("Groups", 2, "users", " 120 ")))
    assert inputs.groups[0].users == 120


def test_unknown_need_suggests(tmp_path):
    issue = error_at(tmp_path, "Groups", 2, "needs",
                     cell("Groups", 2, "needs", "m365_e3_equivalent; Mailbx"))
    assert issue.message == "unknown need 'Mailbx'"
    assert issue.hint == "did you mean 'mailbox'?"


def test_needs_split_on_commas_and_semicolons(tmp_path):
    inputs = read_org(org_file(tmp_path, cell("Groups", 2, "needs", "Mailbox; teams,copilot")))
    assert inputs.groups[0].needs == ("mailbox", "teams", "copilot")


def test_duplicate_group_ignores_case(tmp_path):
    issue = error_at(tmp_path, "Groups", 4, "group",
                     row("Groups", ["OFFICE", 1, None, None, None, "mailbox"]))
    assert "duplicate group 'OFFICE' (first on row 2)" in issue.message


def test_no_groups(tmp_path):
    issue = error_at(tmp_path, "Groups", None, None, {"Groups": BASE["Groups"][:1]},
                     drop=("Holdings",))
    assert "no groups" in issue.message


def test_missing_required_column(tmp_path):
    groups = [r[:5] + r[6:] for r in BASE["Groups"]]
    issue = error_at(tmp_path, "Groups", 1, None, {"Groups": groups})
    assert issue.message == "missing column 'needs'"


# ------------------------------------------------------------------ Holdings

@pytest.mark.parametrize("column, value, fragment", [
    ("product", "m365_e33", "unknown product 'm365_e33'"),
    ("quantity", 0, "must be at least 1, got 0"),
    ("quantity", 2.5, "not a whole number"),
    ("group", "Ofice", "group 'Ofice' is not on the Groups sheet"),
    ("sa", "maybe", "'maybe' is not Y or N"),
    ("ends", "30.06.2027", "YYYY-MM-DD"),
    ("paid_up", 2, "not Y or N"),
])
def test_bad_holding_value(tmp_path, column, value, fragment):
    issue = error_at(tmp_path, "Holdings", 2, column, cell("Holdings", 2, column, value))
    assert fragment in issue.message


def test_unknown_product_and_group_suggest(tmp_path):
    issues = issues_of(org_file(tmp_path, cell("Holdings", 2, "product", "m365_e33"),
                                cell("Holdings", 3, "group", "Shop flor")))
    assert only(issues, "Holdings", 2, "product").hint == "did you mean 'm365_e3'?"
    assert only(issues, "Holdings", 3, "group").hint == "did you mean 'Shop floor'?"


@pytest.mark.parametrize("value, expected", [
    ("Y", True), ("no", False), ("TRUE", True), (0, False), (1, True), (True, True)])
def test_yes_no_spellings(tmp_path, value, expected):
    inputs = read_org(org_file(tmp_path, cell("Holdings", 2, "sa", value)))
    assert inputs.holdings[0].sa is expected


def test_product_sku_part_number_is_accepted(tmp_path):
    inputs = read_org(org_file(tmp_path, cell("Holdings", 2, "product", "SPE_E3")))
    assert inputs.holdings[0].product == "m365_e3"


def test_sa_addons_need_sa_covered_licences(tmp_path):
    issues = issues_of(org_file(tmp_path, cell("Holdings", 4, "quantity", 200),
                                row("Holdings", ["o365_e3_addon_sa", 1])))
    first, second = only(issues, "Holdings", 4, "quantity"), only(issues, "Holdings", 5,
                                                                   "quantity")
    assert first.message == ("201 o365_e3_addon_sa held but only 100 SA-covered desktop_platform "
                             "licences")
    assert second.message == first.message


def test_sa_addons_exact_message(tmp_path):
    issue = error_at(tmp_path, "Holdings", 4, "quantity", cell("Holdings", 4, "quantity", 200))
    assert issue.message == "200 o365_e3_addon_sa held but only 100 SA-covered desktop_platform licences"


def test_licences_without_sa_do_not_back_addons(tmp_path):
    issue = error_at(tmp_path, "Holdings", 4, "quantity", cell("Holdings", 3, "sa", "N"))
    assert "only 0 SA-covered desktop_platform licences" in issue.message


# ------------------------------------------------------------------ Prices

@pytest.mark.parametrize("value, fragment", [
    ("€12", "'€12' is not a number; write the amount only, without a currency symbol"),
    (-1, "must be at least 0"),
    (False, "FALSE is a yes/no value"),
])
def test_bad_unit_price(tmp_path, value, fragment):
    issue = error_at(tmp_path, "Prices", 2, "unit_price", cell("Prices", 2, "unit_price", value))
    assert fragment in issue.message


def test_duplicate_price_row(tmp_path):
    issue = error_at(tmp_path, "Prices", 3, "product", row("Prices", ["M365_E3", 30]))
    assert "duplicate price for 'M365_E3' (first on row 2)" in issue.message


def test_price_currency_column_must_match(tmp_path):
    prices = [["product", "unit_price", "note", "currency"], ["m365_e3", 33.5, "x", "eur"],
              ["o365_e3", 20, None, "USD"]]
    issue = error_at(tmp_path, "Prices", 2, "currency", {"Prices": prices})
    assert issue.message == "currency EUR differs from the Organization currency USD"


def test_other_currency_needs_every_holding_priced(tmp_path):
    eur = cell("Organization", 3, "value", "EUR")
    issue = error_at(tmp_path, "Organization", 3, "value", eur)
    assert issue.message == ("currency EUR differs from the USD of price list us-list-2026-07, "
                             "no exchange_rate is given and held products have no Prices row: "
                             "o365_e3_addon_sa, professional_desktop")
    assert issue.hint == ("give exchange_rate (EUR per 1 USD) and exchange_rate_date, or price "
                          "every product on the Prices sheet")
    priced = {"Prices": [*BASE["Prices"], ["o365_e3_addon_sa", 9], ["professional_desktop", 5]]}
    inputs = read_org(org_file(tmp_path, eur, priced))
    assert inputs.org.currency == "EUR"
    (warning,) = inputs.warnings
    assert warning.startswith("org.xlsx, sheet Organization, row 3, column value: no "
                              "exchange_rate for EUR: only products on the Prices sheet")


def test_other_currency_with_empty_prices_is_an_error(tmp_path):
    issue = error_at(tmp_path, "Organization", 3, "value", cell("Organization", 3, "value", "EUR"),
                     drop=("Prices", "Holdings"))
    assert issue.message == ("currency EUR differs from the USD of price list us-list-2026-07 "
                             "and no exchange_rate is given")
    assert "exchange_rate (EUR per 1 USD)" in issue.hint


EUR = cell("Organization", 3, "value", "EUR")
RATE = row("Organization", ["exchange_rate", "0.92"])          # row 9
RATE_DATE = row("Organization", ["exchange_rate_date", "2026-07-01"])  # row 10


def test_an_exchange_rate_replaces_the_prices(tmp_path):
    inputs = read_org(org_file(tmp_path, EUR, RATE, RATE_DATE, drop=("Prices",)))
    assert inputs.org.exchange_rate == 0.92
    assert inputs.org.exchange_rate_date == date(2026, 7, 1)
    assert inputs.warnings == ()


def test_an_exchange_rate_needs_its_date(tmp_path):
    issue = error_at(tmp_path, "Organization", 9, "value", EUR, RATE, drop=("Prices",))
    assert issue.message == "exchange_rate needs exchange_rate_date, the day the rate was taken"


@pytest.mark.parametrize("value, fragment", [(0, "must be above 0"), (-1, "must be above 0"),
                                             ("1,08", "not an exchange rate")])
def test_a_bad_exchange_rate(tmp_path, value, fragment):
    issue = error_at(tmp_path, "Organization", 9, "value", EUR,
                     row("Organization", ["exchange_rate", value]), RATE_DATE)
    assert fragment in issue.message


def test_an_exchange_rate_for_the_list_currency_is_ignored(tmp_path):
    (warning,) = read_org(org_file(tmp_path, RATE, RATE_DATE)).warnings
    assert warning == ("org.xlsx, sheet Organization, row 9, column value: exchange_rate is "
                       "ignored: currency USD is the price list's currency")


# ------------------------------------------------------------------ analyst warnings

def warnings_of(tmp_path, *changes, drop=()) -> tuple[str, ...]:
    return read_org(org_file(tmp_path, *changes, drop=drop)).warnings


def test_renewal_date_in_the_past_warns(tmp_path):
    (warning,) = warnings_of(tmp_path, cell("Organization", 5, "value", "2026-01-31"))
    assert warning == ("org.xlsx, sheet Organization, row 5, column value: renewal_date "
                       "2026-01-31 is before as_of 2026-07-15: that renewal is in the past "
                       "(give the next renewal (anniversary or end of term))")


def test_holdings_ended_at_as_of_warn(tmp_path):
    found = warnings_of(tmp_path, cell("Holdings", 2, "ends", "2026-07-15"),
                        cell("Holdings", 3, "ends", "2026-03-31"))
    assert found == (
        "org.xlsx, sheet Holdings, row 2, column ends: m365_e3 ended on 2026-07-15, on or "
        "before as_of 2026-07-15: the plan treats it as expired and prices keeping it as a "
        "renewal (update ends if the term was renewed)",
        "org.xlsx, sheet Holdings, row 3, column ends: professional_desktop ended on 2026-03-31, on "
        "or before as_of 2026-07-15: the plan treats it as expired and prices keeping it as a "
        "renewal (update ends if the term was renewed)")


@pytest.mark.parametrize("answer, warned", [("N", True), ("Y", False), (None, False)])
def test_answering_no_with_teams_suite_beside_a_held_one_warns(tmp_path, answer, warned):
    changes = [] if answer is None else [row("Organization", ["holds_with_teams_suite", answer])]
    found = warnings_of(tmp_path, *changes)
    expected = ("org.xlsx, sheet Organization, row 9, column value: holds_with_teams_suite is N, "
                "but Holdings lists m365_e3 (row 2), a with-Teams suite; the plan buys no other "
                "with-Teams suite (no move to another suite with Teams) (answer Y if these are "
                "with-Teams subscriptions, or hold the (no Teams) product ids if they are not)")
    assert found == ((expected,) if warned else ())


def test_a_perpetual_licence_without_sa_never_ends(tmp_path):
    past = cell("Holdings", 3, "ends", "2026-03-31")
    no_sa = cell("Holdings", 3, "sa", "N")
    no_addons = {"Holdings": [list(r) for r in BASE["Holdings"][:3]]}
    assert warnings_of(tmp_path, no_addons, past, no_sa) == ()


@pytest.mark.parametrize("needs, warned", [
    ("m365_e3_equivalent", True),      # a profile that includes office_apps
    ("office_apps", True), ("windows_enterprise", True),
    ("mailbox, teams", False),         # no install right: no device limit to break
])
def test_more_devices_per_user_than_install_rights_cover(tmp_path, needs, warned):
    found = warnings_of(tmp_path, cell("Groups", 2, "devices_per_user", 6),
                        cell("Groups", 2, "needs", needs))
    if not warned:
        assert found == ()
        return
    (warning,) = found
    assert warning.startswith("org.xlsx, sheet Groups, row 2, column devices_per_user: 6 devices "
                              "per user, more than the 5 a per-user licence's install rights "
                              "cover (")


def test_five_devices_per_user_is_fine(tmp_path):
    assert warnings_of(tmp_path, cell("Groups", 2, "devices_per_user", 5)) == ()


def test_an_ea_below_its_minimum_size_warns(tmp_path):
    small = cell("Groups", 2, "users", 300)  # 340 users, 640 devices
    assert warnings_of(tmp_path, small) == ()  # 640 devices meet the minimum
    fewer = cell("Groups", 2, "devices_per_user", 1)  # 340 users, 310 devices
    (warning,) = warnings_of(tmp_path, small, fewer)
    assert warning == ("org.xlsx, sheet Organization, row 4, column value: an EA needs at least "
                       "500 users or devices (commercial); the Groups sheet has 340 users and "
                       "310 devices (check the headcounts, or set agreement to MCA-E or CSP)")
    assert warnings_of(tmp_path, small, fewer, cell("Organization", 4, "value", "MCA-E")) == ()


def test_the_ea_minimum_is_catalog_data_with_a_source(catalog):
    import csv

    from planner.catalog.load import _catalog_root

    rows = {r["rule"]: r for r in csv.DictReader(
        (_catalog_root() / "rules" / "platform.csv").open(encoding="utf-8"))}
    assert rows["ea_minimum_size"]["value"] == "500"
    assert "licensing-facts §3.4" in rows["ea_minimum_size"]["source"]
    assert catalog.platform_rules["ea_minimum_size"] == "500"


def test_strict_turns_every_warning_into_an_error(tmp_path):
    path = org_file(tmp_path, cell("Organization", 5, "value", "2026-01-31"),
                    row("Organization", ["colour", "blue"]))
    assert len(read_org(path).warnings) == 2
    with pytest.raises(InputError) as info:
        read_org(path, strict=True)
    assert [(i.sheet, i.row, i.column, i.severity) for i in info.value.issues] == [
        ("Organization", 5, "value", "error"), ("Organization", 9, "field", "error")]


# ------------------------------------------------------------------ DataFrames

def test_frames_get_the_same_rules_and_locations():
    groups = pd.DataFrame({"group": ["Office", "Shop"], "users": [10, 12.5],
                           "needs": [["mailbox", "teams"], "frontlne_basic"]})
    holdings = pd.DataFrame({"product": ["m365_e3"], "quantity": [5], "group": ["Nobody"]})
    with pytest.raises(InputError) as info:
        org_from_frames(groups, holdings, organization={"currency": "USD", "as_of": "1/1/2026"})
    located = [(i.file, i.sheet, i.row, i.column) for i in info.value.issues]
    assert located == [("", "Organization", 3, "value"), ("", "Groups", 3, "users"),
                       ("", "Groups", 3, "needs"), ("", "Holdings", 2, "group")]
    assert info.value.issues[2].hint == "did you mean 'frontline_basic'?"


def test_frames_round_trip():
    groups = pd.DataFrame({"group": ["Office"], "users": [10], "needs": [["mailbox", "teams"]]})
    inputs = org_from_frames(groups, organization={"as_of": date(2026, 7, 1),
                                                   "agreement": "MCA-E"})
    assert inputs.groups == (Group("Office", 10, needs=("mailbox", "teams"), row=2),)
    assert inputs.org.as_of == date(2026, 7, 1) and inputs.warnings == ()


# ------------------------------------------------------------------ docs

def test_nomenclature_documents_every_input_name():
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", text, flags=re.M))
    from planner.input.workbook import HEADER_MAP

    names = set(OrganizationFields.columns)
    for sheet, model in ROW_MODELS.items():
        names |= {HEADER_MAP[sheet][name][0] for name in model.columns}
    assert names <= documented, sorted(names - documented)


def test_nomenclature_lists_the_accepted_spellings():
    from planner.input.sheets import normalise
    from planner.input.workbook import FIELD_NAMES, HEADER_MAP

    sections = dict(re.findall(r"^## (\w+) sheet.*?\n(.*?)(?=^## |\Z)", DOCS.read_text("utf-8"),
                               flags=re.M | re.S))
    spellings = {**{s.title(): cols for s, cols in HEADER_MAP.items() if s != "organization"},
                 "Organization": FIELD_NAMES}
    for sheet, columns in spellings.items():
        rows = re.findall(r"^\| `(\w+)` \|.*\|([^|]*)\|$", sections[sheet], flags=re.M)
        documented = {name: {normalise(a) for a in re.findall(r"`([^`]+)`", also)} | {name}
                      for name, also in rows}
        assert documented == {aliases[0]: {normalise(a) for a in aliases}
                              for aliases in columns.values()}, sheet


# ------------------------------------------------------------------ Growth and discount_rate

def growth_sheet() -> dict[str, list[list]]:
    """A Growth sheet for BASE (a fresh copy: changes edit it in place)."""
    return {"Growth": [["Group", "From", "Users"],
                       ["office", datetime(2027, 6, 30), 560],      # row 2
                       ["Shop floor", "2027-01-01", 45],            # row 3
                       ["Office", "2028-06-30", 600]]}              # row 4


def test_growth_rows_are_read_with_the_group_names_of_the_groups_sheet(tmp_path):
    from planner.input.organization import Growth

    inputs = read_org(org_file(tmp_path, growth_sheet()))
    assert inputs.growth == (Growth("Office", date(2027, 6, 30), 560, row=2),
                             Growth("Office", date(2028, 6, 30), 600, row=4),
                             Growth("Shop floor", date(2027, 1, 1), 45, row=3))
    assert inputs.warnings == ()
    assert read_org(org_file(tmp_path, name="none.xlsx")).growth == ()


@pytest.mark.parametrize("row_, column, value, fragment", [
    (2, "Group", "Ofice", "'Ofice' is not on the Groups sheet"),
    (2, "From", "30/06/2027", "YYYY-MM-DD"),
    (3, "Users", -1, "at least 0"),
    (3, "Users", 45.5, "not a whole number"),
    (4, "From", datetime(2027, 6, 30), "duplicate headcount for group 'Office' from 2027-06-30 "
                                       "(first on row 2)"),
])
def test_a_bad_growth_row_is_one_located_error(tmp_path, row_, column, value, fragment):
    issue = error_at(tmp_path, "Growth", row_, column, growth_sheet(), cell("Growth", row_, column, value))
    assert fragment in issue.message


def test_growth_needs_its_columns_named_as_the_template_writes_them(tmp_path):
    sheet = {"Growth": [["group", "users"], ["Office", 560]]}
    issue = error_at(tmp_path, "Growth", 1, None, sheet)
    assert issue.message == "missing column 'from'"


def test_growth_from_frames_follows_the_workbook_rules():
    groups = pd.DataFrame({"group": ["Office"], "users": [10], "needs": ["mailbox"]})
    inputs = org_from_frames(groups, organization={"as_of": "2026-07-01", "agreement": "CSP"},
                             growth=pd.DataFrame({"group": ["Office"], "from": ["2027-01-01"],
                                                  "users": [12]}))
    assert [(g.group, g.start, g.users, g.row) for g in inputs.growth] == [
        ("Office", date(2027, 1, 1), 12, 2)]
    with pytest.raises(InputError) as info:
        org_from_frames(groups, organization={"as_of": "2026-07-01", "agreement": "CSP"},
                        growth=pd.DataFrame({"group": ["Shop"], "from": ["2027-01-01"],
                                             "users": [3]}))
    (issue,) = info.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Growth", 2, "group")


@pytest.mark.parametrize("value, expected", [(None, 0.0), (0, 0.0), (0.05, 0.05),
                                             ("5%", 0.05), (" 0.1 ", 0.1)])
def test_discount_rate_forms(tmp_path, value, expected):
    path = org_file(tmp_path, row("Organization", ["discount_rate", value]))
    assert read_org(path).org.discount_rate == pytest.approx(expected)


@pytest.mark.parametrize("value, fragment", [(1, "below 1"), (5, "below 1"), (-0.01, "at least 0"),
                                             ("five", "not a fraction"), (True, "yes/no")])
def test_a_bad_discount_rate_is_located_on_its_value_cell(tmp_path, value, fragment):
    issue = error_at(tmp_path, "Organization", 9, "value",
                     row("Organization", ["discount rate", value]))
    assert fragment in issue.message


@pytest.mark.parametrize("name, shown", [
    ("Sales\u202e", "Sales\\u202e"),          # right-to-left override
    ("Sa\u200bles", "Sa\\u200bles"),          # zero-width space
    ("Sales\u2066x\u2069", "Sales\\u2066x\\u2069"),
    ("Sales\nteam", "Sales\\nteam"),          # a line break stays one line
])
def test_invisible_characters_in_user_text_are_escaped_in_messages(name, shown):
    groups = pd.DataFrame({"group": [name, name], "users": [1, 2], "needs": ["mailbox"] * 2})
    with pytest.raises(InputError) as err:
        org_from_frames(groups)
    (line,) = err.value.lines()
    assert f"duplicate group '{shown}'" in line
    assert line.isprintable()
