"""Every input format is recognised by its content; bad inputs are one located line each."""
from __future__ import annotations

import json

import pytest
from tenant_helpers import AS_OF, FIXTURES, product_of

from planner.errors import InputError
from planner.importer import import_tenant
from planner.importer.detect import read_inputs
from planner.importer.readers import Input, Problems

E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"
USERS_JSON = json.dumps({"value": [{"userPrincipalName": "a@example.com", "accountEnabled": True,
                                    "department": "Ops", "assignedLicenses": [{"skuId": E3}]}]})


def read(**files: str | bytes):
    """The tenant read from in-memory files, and the problems as lines."""
    problems = Problems()
    inputs = [Input(name, data if isinstance(data, bytes) else data.encode("utf-8"))
              for name, data in files.items()]
    tenant = read_inputs(inputs, problems)
    return tenant, [str(i) for i in problems.final()]


def errors_of(tmp_path, **files: str) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_tenant([tmp_path], as_of=AS_OF)
    return [line.removeprefix(f"{tmp_path.name}/") for line in err.value.lines()]


def test_each_fixture_file_is_recognised_by_content():
    files = {p.relative_to(FIXTURES).as_posix(): p.read_bytes()
             for p in FIXTURES.glob("tenant_*/**/*") if p.is_file()}
    tenant, lines = read(**files)
    kinds = {name.split("/", 1)[1]: what for name, what in tenant.files.items()}
    assert kinds == {
        "graph/subscribedSkus.json": "Graph subscribedSkus",
        "graph/subscriptions.json": "Graph directory/subscriptions",
        "graph/users-page1.json": "Graph users", "graph/users-page2.json": "Graph users",
        "graph/pstnCalls.json": "Teams PSTN call log",
        "reports/Office365ActiveUserDetail.csv": "Office 365 active user detail report",
        "reports/OneDriveUsageAccountDetail.csv": "OneDrive usage account detail report",
        "reports/M365AppUserDetail.csv": "Microsoft 365 Apps usage report",
        "reports/MailboxUsageDetail.csv": "mailbox usage report",
        "reports/CopilotUsageUserDetail.csv": "Copilot usage report",
        "reports/Office365ActivationsUserDetail.csv": "Office activations report",
        "intune/DevicesWithInventory.csv": "Intune device export",
        "users_12_1_2026 9_00_00 AM.csv": "admin center Active users export",
        "users_english.csv": "admin center Active users export",
        "users_12_1_2026 10_15_00 AM.csv": "admin center Active users export",
    }
    assert lines == []


def test_both_admin_center_layouts_and_block_credential(tenant_b):
    tenant, _ = read(**{p.name: p.read_bytes() for p in tenant_b.iterdir()})
    assert len(tenant.users) == 10
    jose, sam = tenant.users["jose@example.com"], tenant.users["sam@example.com"]
    assert jose.enabled is False and sam.enabled is False          # TRUE / True
    assert tenant.users["rosa@example.com"].licences.values == ()  # Unlicensed
    assert tenant.users["marta@example.com"].department == "Dirección"


def test_powershell_sku_exports_flattened_and_msonline():
    tenant, lines = read(**{
        "skus.csv": "SkuPartNumber,SkuId,ActiveUnits,WarningUnits,ConsumedUnits\r\n"
                    f"SPE_E3,{E3},25,2,20\r\n",
        "msol.csv": "AccountSkuId,ActiveUnits,WarningUnits,ConsumedUnits\ncontoso:EMS,10,0,4\n",
        "users.json": USERS_JSON})
    assert lines == []
    assert [(s.part, s.enabled, s.warning, s.consumed) for s in tenant.skus] == [
        ("SPE_E3", 25, 2, 20), ("EMS", 10, 0, 4)]


def test_powershell_type_names_instead_of_counts_are_errors_with_the_fix():
    _, lines = read(**{
        "skus.csv": "SkuPartNumber,SkuId,PrepaidUnits,ConsumedUnits\n"
                    f"SPE_E3,{E3},Microsoft.Graph.PowerShell.Models.MicrosoftGraphLicenseUnitsDetail,3\n",
        "users.csv": "UserPrincipalName,AccountEnabled,AssignedLicenses\n"
                     "a@example.com,True,System.Object[]\n",
        "skus.json": json.dumps({"SkuPartNumber": "SPE_E3", "SkuId": E3, "ConsumedUnits": 3,
                                 "PrepaidUnits": "Microsoft.Graph.PowerShell.Models.X"})})
    assert lines == [
        ("skus.csv, row 2, column PrepaidUnits: PrepaidUnits holds a PowerShell type name, not "
        "the counts (flatten the counts, e.g. Select-Object SkuPartNumber, SkuId, "
        "@{n='ActiveUnits';e={$_.PrepaidUnits.Enabled}}, ConsumedUnits, or use ConvertTo-Json -Depth 5)"),
        ("users.csv, row 2, column AssignedLicenses: the licence column holds a PowerShell type "
        "name, not the licences (flatten the licences, e.g. @{n='SkuIds';e={($_.AssignedLicenses.SkuId) "
        "-join ';'}}, or use ConvertTo-Json -Depth 5)"),
        ("skus.json, row 1, column prepaidUnits: prepaidUnits holds a PowerShell type name, not the "
        "counts (export with ConvertTo-Json -Depth 5 (the default depth prints type names))")]


def test_powershell_json_and_user_csv_with_mixed_licence_tokens():
    tenant, lines = read(**{
        "skus.json": json.dumps([{"SkuPartNumber": "SPE_E3", "SkuId": E3, "ConsumedUnits": 1,
                                  "PrepaidUnits": {"Enabled": 5, "Warning": 0}}]),
        "users.csv": "UserPrincipalName,AccountEnabled,Department,Licenses\n"
                     f"a@example.com,True,Ops,{E3};EMS\n"
                     "b@example.com,False,Ops,Microsoft 365 E5|Enterprise Mobility + Security E5\n"})
    assert lines == []
    assert tenant.skus[0].enabled == 5
    assert tenant.users["a@example.com"].licences.values == (E3, "EMS")
    assert tenant.users["b@example.com"].licences.values == (
        "Microsoft 365 E5", "Enterprise Mobility + Security E5")


def test_unknown_files_and_unused_reports(tmp_path):
    _tenant, lines = read(**{
        "notes.csv": "when,what\n2026,something\n",
        "teams.csv": "Report Refresh Date,User Principal Name,Team Chat Message Count\n",
        "data.json": json.dumps([1, 2, 3]),
        "users.json": USERS_JSON})
    assert lines[0].startswith("notes.csv, row 1: not a recognised export (header: when, what); accepted: ")
    assert lines[1] == "teams.csv: recognised as the Teams user activity report, which planner does not use; ignored"
    assert lines[2].startswith("data.json: not a recognised export (JSON values that are not objects)")


def test_license_details_and_missing_assigned_licenses_are_errors():
    _, lines = read(**{
        "details.json": json.dumps({"value": [{"skuId": E3, "skuPartNumber": "SPE_E3",
                                               "servicePlans": []}]}),
        "users.json": json.dumps({"value": [{"userPrincipalName": "a@example.com"}]})})
    assert lines == [
        ("details.json: a licenseDetails response names no user (export GET "
        "/v1.0/users?$select=...,assignedLicenses instead)"),
        ("users.json, column assignedLicenses: users have no assignedLicenses field (add "
        "assignedLicenses to $select (see docs/import.md))")]


def test_a_missing_last_page_is_an_error():
    page = json.loads(USERS_JSON) | {"@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=A"}
    _, lines = read(**{"users-1.json": json.dumps(page)})
    assert lines == [("users-1.json: every page of this Graph users export has @odata.nextLink, "
                     "so the last page is missing (follow @odata.nextLink until a page has none, "
                     "and pass every page)")]


def test_no_users_export_is_an_error(tmp_path):
    lines = errors_of(tmp_path, **{"skus.csv": f"SkuPartNumber,SkuId,ActiveUnits\nSPE_E3,{E3},5\n"})
    assert lines == [("no users export among the inputs: give the Graph users pages, a Get-MgUser "
                     "CSV or the admin center Active users export (docs/import.md shows the "
                     "commands that produce them)")]


def test_bad_values_are_located_by_file_row_and_column(tmp_path):
    lines = errors_of(tmp_path, **{
        "users.json": USERS_JSON,
        "mail.csv": "Report Refresh Date,User Principal Name,Item Count,Storage Used (Byte),Has Archive\n"
                    "2026-11-25,a@example.com,1,lots,Maybe\n",
        "skus.csv": f"SkuPartNumber,SkuId,ActiveUnits,ConsumedUnits\nSPE_E3,{E3},-3,1\n"})
    assert lines == [
        "mail.csv, row 2, column Storage Used (Byte): 'lots' is not a number",
        "mail.csv, row 2, column Has Archive: 'Maybe' is not yes/no or true/false",
        "skus.csv, row 2, column ActiveUnits: '-3' is not a whole number >= 0"]


def test_an_unknown_skuid_is_one_error_with_the_user_count(tmp_path):
    lines = errors_of(tmp_path, **{
        "users.csv": "User principal name,Display name,Block credential,Licenses\n"
                     "a@example.com,A,False,Microsoft 365 E3+Licencia Desconocida\n",
        "graph.json": json.dumps({"value": [
            {"userPrincipalName": f"{u}@example.com",
             "assignedLicenses": [{"skuId": "00000000-1111-2222-3333-444444444444"}]}
            for u in ("c", "d")]})})
    assert lines == [
        ("graph.json, row 1, column assignedLicenses: unknown skuId "
        "00000000-1111-2222-3333-444444444444: in no SKU export and not in planner's SKU table "
        "(and 1 more user) (add the subscribedSkus export: it names every SKU the tenant owns)")]


def test_an_unknown_licence_name_is_unmapped_with_a_hint_and_its_users_counted(tmp_path, catalog):
    (tmp_path / "users.csv").write_text(
        "User principal name,Display name,Block credential,Department,Licenses\n"
        "a@example.com,A,False,Ops,Microsoft 365 E3+Licencia Desconocida\n"
        "b@example.com,B,False,Ops,Licencia Desconocida\n"
        "c@example.com,C,False,Ops,Microsoft 365 E3\n", encoding="utf-8")
    result = import_tenant([tmp_path], as_of=AS_OF, min_group_size=1)
    row, = result.unmapped
    assert (row.sku, row.name, row.users, row.unknown_name) == ("", "Licencia Desconocida", 2, True)
    assert "--aliases" in row.note and "planned without it" in row.note
    warning = f"{tmp_path.name}/users.csv, row 2, column Licenses: unknown licence name " \
              "'Licencia Desconocida' (2 users): not in planner's SKU alias table; left out " \
              "(see the Unmapped sheet) (map it in an aliases file (--aliases, columns name,sku) " \
              "or import from Graph, which identifies licences by skuId)"
    assert warning in [str(w) for w in result.warnings]
    persona, = result.personas          # a and c; b holds nothing the catalog knows
    assert persona.users == 2
    assert {p.products for _, p in persona.members} == {(product_of(catalog, "SPE_E3"),)}
    notes = " ".join(result.notes)
    assert "1 (only licences without a catalog product)" in notes
    assert "1 licence name unknown to that table (see the Unmapped sheet)" in notes


def test_an_aliases_file_maps_a_localized_name(tmp_path, catalog):
    (tmp_path / "users.csv").write_text(
        "User principal name,Display name,Block credential,Licenses\n"
        "a@example.com,A,False,Microsoft 365 E3 (Empresa)\n", encoding="utf-8")
    aliases = tmp_path.parent / f"{tmp_path.name}-aliases.csv"
    aliases.write_text("name,sku\nMicrosoft 365 E3 (Empresa),SPE_E3\n", encoding="utf-8")
    result = import_tenant([tmp_path], as_of=AS_OF, aliases=aliases, min_group_size=1)
    persona, = result.personas
    assert persona.members[0][1].products == (product_of(catalog, "SPE_E3"),)


def test_a_subscribed_sku_unknown_to_the_table_is_learnt_from_the_tenant(tmp_path):
    new = "12345678-aaaa-bbbb-cccc-1234567890ab"
    (tmp_path / "skus.json").write_text(json.dumps({"value": [
        {"skuId": new, "skuPartNumber": "BRAND_NEW_SKU", "consumedUnits": 1,
         "prepaidUnits": {"enabled": 3}}]}))
    (tmp_path / "users.json").write_text(json.dumps({"value": [
        {"userPrincipalName": "a@example.com", "assignedLicenses": [{"skuId": new}, {"skuId": E3}]}]}))
    result = import_tenant([tmp_path], as_of=AS_OF, min_group_size=1)
    assert [(u.sku, u.owned, u.users) for u in result.unmapped] == [("BRAND_NEW_SKU", 3, 1)]
    assert [str(w) for w in result.warnings] == [
        (f"{tmp_path.name}/skus.json, row 1, column skuPartNumber: SKU BRAND_NEW_SKU (3 units "
        "owned, 1 assigned) has no catalog product; left out (see the Unmapped sheet)")]


def test_json_forms_of_the_apps_report_and_managed_devices():
    tenant, lines = read(**{
        "users.json": USERS_JSON,
        "apps.json": json.dumps({"value": [{
            "reportRefreshDate": "2026-11-25", "userPrincipalName": "a@example.com",
            "details": [{"reportPeriod": 7, "windows": True, "web": True},
                        {"reportPeriod": 90, "windows": False, "mac": False, "web": True,
                         "wordWindows": False}]}]}),
        "devices.json": json.dumps({"value": [{
            "deviceName": "PC1", "operatingSystem": "Windows", "skuNumber": 4,
            "managedDeviceOwnerType": "company", "userPrincipalName": "a@example.com",
            "deviceEnrollmentType": "userEnrollment", "lastSyncDateTime": "2026-11-20T08:00:00Z"},
            {"deviceName": "KIOSK", "operatingSystem": "Windows", "skuNumber": 48,
             "deviceEnrollmentType": "windowsBulkUserless"}]})})
    assert lines == []
    use = tenant.apps["a@example.com"]
    assert (use.period, use.desktop, use.web) == (90, False, True)
    mine, kiosk = tenant.devices
    assert (mine.user, mine.edition, kiosk.user) == ("a@example.com", "4", None)


def test_an_intune_zip_and_a_utf16_admin_export(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "DevicesWithInventory.zip", "w") as zf:
        zf.writestr("DevicesWithInventory_2026.csv",
                    "Device name,OS,SkuFamily,Primary user UPN\nPC1,Windows,Enterprise,a@example.com\n")
    (tmp_path / "users.csv").write_bytes(
        ("User principal name,Display name,Block credential,Licenses\r\n"
         "a@example.com,Ann,False,Microsoft 365 E3\r\n").encode("utf-16"))
    result = import_tenant([tmp_path], as_of=AS_OF, min_group_size=1)
    persona, = result.personas
    assert persona.primary_device == "windows_enterprise" and persona.users == 1
