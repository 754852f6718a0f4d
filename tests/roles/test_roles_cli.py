"""``planner roles`` through Typer's CliRunner: outputs, exit codes, messages, safety."""
from __future__ import annotations

import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from planner.roles.cli import app

runner = CliRunner()

PEOPLE = [
    ["Ana", "ana@contoso.com", "view_invoices, download_invoices", "Invoice Reader"],
    ["Ben", "ben@contoso.com", "view_contracts, download_software", "Administrator"],
    ["Cy", "cy@contoso.com", "download_software", ""],
]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_plan_json_exact_roles_and_flags(people_xlsx):
    path = people_xlsx(PEOPLE)
    result = invoke("plan", path, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    by_name = {p["person"]: p for p in data["people"]}
    assert by_name["Ana"]["roles"] == ["invoice_reader"] and by_name["Ana"]["verdict"] == "ok"
    assert by_name["Ben"]["roles"] == ["product_download_manager"]
    assert by_name["Ben"]["flags"] == ["over-privileged"]
    assert "manage_role_assignments" in by_name["Ben"]["unneeded_tasks"]
    assert by_name["Ben"]["remove_roles"] == ["administrator"]
    assert by_name["Cy"]["flags"] == ["missing tasks"]
    assert by_name["Cy"]["missing_tasks"] == ["download_software"]
    assert data["summary"] == {"people": 3, "flagged": 2, "role_counts": {
        "Administrator": 0, "License position reader": 0, "Product download manager": 2,
        "Product keys reader": 0, "Benefits reader": 0, "Online services manager": 0,
        "Invoice Reader": 1}}


def test_plan_writes_workbook_beside_input(people_xlsx):
    path = people_xlsx(PEOPLE)
    result = invoke("plan", path)
    assert result.exit_code == 0, result.stderr
    out = path.with_name("people-roles.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Plan", "Changes", "Roles", "Role names", "Sources"]
    plan = list(wb["Plan"].iter_rows(values_only=True))
    assert plan[2][0] == "Ben" and plan[2][4] == "Product download manager"
    assert plan[2][8] == "over-privileged"
    assert [r[0] for r in wb["Changes"].iter_rows(min_row=2, values_only=True)] == ["Ben", "Cy"]


def test_unknown_task_exit_2_with_did_you_mean(people_xlsx):
    path = people_xlsx([["Ana", "ana@contoso.com", "view_invoice, download_sofware", ""]])
    result = invoke("plan", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "people.xlsx, sheet People, row 2, column tasks: unknown task 'view_invoice' "
        "(did you mean 'view_invoices'?)",
        "people.xlsx, sheet People, row 2, column tasks: unknown task 'download_sofware' "
        "(did you mean 'download_software'?)"]
    assert result.stdout == ""


def test_every_problem_reported_and_input_unchanged(people_xlsx):
    path = people_xlsx([["", "not-an-email", "view_orders", "Licensing Viewer"],
                        ["Bo", None, "view_orders", "Invoice Readr"],
                        ["bo", None, "download_software", None]],
                       header=["Person", "Email", "Tasks", "Current roles"])
    before = path.read_bytes()
    result = invoke("plan", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "people.xlsx, sheet People, row 2, column Person: value required",
        "people.xlsx, sheet People, row 2, column Email: 'not-an-email' is not an email address",
        "people.xlsx, sheet People, row 3, column Current roles: unknown role 'Invoice Readr' "
        "(did you mean 'Invoice Reader'?)",
        "people.xlsx, sheet People, row 4, column Person: person 'bo' already listed in row 3 "
        "(merge the tasks into one row)"]
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert not path.with_name("people-roles.xlsx").exists()


def test_missing_column_and_sheet(people_xlsx, tmp_path):
    path = people_xlsx([["Ana", "view_orders"]], header=["person", "tasks"])
    result = invoke("plan", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == ("people.xlsx, sheet People, row 1, column email: "
                                     "missing column 'email'")


def test_not_a_workbook_exit_2(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("person,tasks\n")
    result = invoke("plan", path)
    assert result.exit_code == 2
    assert result.stderr.startswith("people.xlsx: not an .xlsx workbook")


def test_output_never_over_input(people_xlsx):
    path = people_xlsx(PEOPLE)
    before = path.read_bytes()
    result = invoke("plan", path, "-o", path)
    assert result.exit_code == 2
    assert "refusing to write the roles plan over the input file" in result.stderr
    assert path.read_bytes() == before


def test_conflict_exit_1_names_person_and_tasks(people_xlsx):
    path = people_xlsx([["Dana", None, "manage_role_assignments, download_invoices", None]])
    result = invoke("plan", path, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "people.xlsx, sheet People, row 2: person 'Dana' has no compliant role set: "
        "manage_role_assignments needs Administrator and download_invoices needs Invoice "
        "Reader, but Invoice Reader can't be assigned to the VL admin")


def test_cbc_solver_gives_the_same_plan(people_xlsx):
    path = people_xlsx(PEOPLE)
    highs = json.loads(invoke("plan", path, "--json", "--solver", "highs").stdout)
    cbc = json.loads(invoke("plan", path, "--json", "--solver", "cbc").stdout)
    assert highs == cbc


STATUS_ROWS = [
    ["Ana", "ana@contoso.com", "Active", "2025-03-01", "Invoice Reader"],
    ["Ben", "ben@contoso.com", "Invitation Sent", "2025-03-01", "Download"],
    ["Cy", "cy@contoso.com", "invitation sent", "2025-03-25", ""],
    ["Di", "di@contoso.com", "Failed", "2025-03-25", ""],
    ["Ed", "ed@contoso.com", "Invitation Expired", "2025-02-01", ""],
    ["Flo", "flo@fabrikam.com", "User Not Found", "2025-03-30", ""],
    ["Gus", "gus@contoso.com", "Assignment In Progress", "2025-03-31", ""],
]


def test_status_json_counts_and_actions(roster_xlsx):
    path = roster_xlsx(STATUS_ROWS)
    result = invoke("status", path, "--json", "--as-of", "2025-03-31")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"] == {"Active": 1, "Assignment in Progress": 1, "Failed": 1,
                              "Invitation sent": 2, "Invitation expired": 1,
                              "User not found": 1}
    needing = {a["person"]: a["action"].split(":")[0].split(" ")[0]
               for a in data["assignments"] if a["needs_action"]}
    assert needing == {"Ben": "Chase", "Di": "Retry", "Ed": "Reset", "Flo": "Fix"}
    assert path.with_name("roster-status.xlsx").exists()


def test_status_pending_days_option(roster_xlsx):
    path = roster_xlsx(STATUS_ROWS)
    result = invoke("status", path, "--json", "--as-of", "2025-03-31", "--pending-days", "3")
    chased = [a["person"] for a in json.loads(result.stdout)["assignments"]
              if a["status"] == "invitation_sent" and a["needs_action"]]
    assert chased == ["Ben", "Cy"]


def test_status_accepts_admin_center_headers(roster_xlsx):
    path = roster_xlsx([["Ana", "Active", "ana@contoso.com", "Product Keys"]],
                       header=["Display name", "Status", "Sign-in email",
                               "Volume licensing roles"], sheet="Sheet1")
    result = invoke("status", path, "--json", "--as-of", "2025-03-31")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["assignments"]
    assert (row["person"], row["email"], row["roles"]) == ("Ana", "ana@contoso.com",
                                                           ["Product keys reader"])


def test_status_unknown_status_and_bad_date(roster_xlsx):
    path = roster_xlsx([["Ana", None, "Invitaton sent", None, None],
                        ["Bo", None, "Active", "31/03/2025", None]])
    before = path.read_bytes()
    result = invoke("status", path, "--as-of", "2025-03-31")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "roster.xlsx, sheet Roster, row 2, column status: unknown status 'Invitaton sent' "
        "(did you mean 'Invitation sent'?)",
        "roster.xlsx, sheet Roster, row 3, column since: '31/03/2025' is not a date; use an "
        "Excel date or YYYY-MM-DD"]
    assert path.read_bytes() == before
    assert not path.with_name("roster-status.xlsx").exists()


def test_status_bad_as_of(roster_xlsx):
    result = invoke("status", roster_xlsx(STATUS_ROWS), "--as-of", "yesterday")
    assert result.exit_code == 2
    assert result.stderr.strip() == "--as-of 'yesterday' is not a date; use YYYY-MM-DD"


def test_templates_round_trip(tmp_path):
    people, roster = tmp_path / "p.xlsx", tmp_path / "r.xlsx"
    assert invoke("template", people).exit_code == 0
    assert invoke("template", roster, "--kind", "roster").exit_code == 0
    assert invoke("plan", people, "--json").exit_code == 0
    result = invoke("status", roster, "--json", "--as-of", "2025-01-31")
    assert result.exit_code == 0, result.stderr
    assert sum(json.loads(result.stdout)["counts"].values()) == 6
    again = invoke("template", people)  # planner's own, unchanged since: replaced
    assert again.exit_code == 0, again.stderr
    people.write_bytes(people.read_bytes() + b"edited")
    kept = invoke("template", people)
    assert kept.exit_code == 2 and "was changed since planner wrote it; kept" in kept.stderr
    assert invoke("template", people, "--force").exit_code == 0
