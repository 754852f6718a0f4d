"""Inactivity, OneDrive, Teams Phone and Graph licence-state evidence, on small tenants
written as export files (every expected value is counted from the rows below)."""
from __future__ import annotations

import json

from tenant_helpers import AS_OF, implied, product_of

from planner.importer import import_tenant
from planner.importer.evidence import EXCLUDED_INACTIVE, load_rules
from planner.importer.skus import guid_key

E3 = ("SPE_E3", "05e9a617-0261-4cee-bb44-138d3ef5d965")
F3 = ("SPE_F1", "66b55226-6b4f-492c-910c-a3b7a3c9d993")
EMS = ("EMS", "efccb6f7-5641-4e0e-bd10-b4976e1bf68e")
ACTIVE_USERS = ("Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,"
                "Has Exchange License,Has Teams License,Exchange Last Activity Date,"
                "OneDrive Last Activity Date,Teams Last Activity Date,"
                "Exchange License Assign Date,Teams License Assign Date,Assigned Products\n")
ONEDRIVE = ("Report Refresh Date,Site URL,Owner Display Name,Is Deleted,Last Activity Date,"
            "File Count,Active File Count,Storage Used (Byte),Storage Allocated (Byte),"
            "Owner Principal Name,Report Period\n")


def user(name, sku=E3, **extra):
    """A Graph user object holding ``sku`` (extra fields as given)."""
    return {"userPrincipalName": f"{name}@example.com", "accountEnabled": True,
            "department": "Ops", "createdDateTime": "2024-01-10T00:00:00Z",
            "assignedLicenses": [{"skuId": sku[1], "disabledPlans": []}], **extra}


def run(tmp_path, users, **files):
    (tmp_path / "users.json").write_text(json.dumps({"value": users}))
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8-sig")
    return import_tenant([tmp_path], as_of=AS_OF, min_group_size=1)


def members(result):
    return {u.upn.split("@")[0]: prof for p in result.personas for u, prof in p.members}


def findings(result):
    return {(f.finding, f.sku): f.count for f in result.findings}


def sign_in(day):
    return {"signInActivity": {"lastSignInDateTime": day and f"{day}T08:00:00Z",
                               "lastNonInteractiveSignInDateTime": None}}


def test_users_without_sign_in_for_90_days_are_not_demand_and_their_licences_are_findings(tmp_path):
    result = run(tmp_path, [
        user("recent", **sign_in("2026-11-20")),
        user("stale", **sign_in("2026-08-01")),        # 122 days before 2026-12-01
        user("never", **sign_in(None)),
        user("new", **sign_in(None), createdDateTime="2026-11-15T00:00:00Z"),  # new hire
        user("unknown")])                             # signInActivity not exported: no evidence
    assert sorted(members(result)) == ["new", "recent", "unknown"]
    assert findings(result)[("licence on an inactive user", "SPE_E3")] == 2
    assert f"2 ({EXCLUDED_INACTIVE})" in " ".join(result.notes)


def test_the_active_user_detail_report_judges_inactivity_on_its_refresh_date(tmp_path):
    rows = ("2026-11-25,busy@example.com,B,False,,True,True,2026-11-24,,2026-10-01,2023-01-01,2023-01-01,X\n"
            "2026-11-25,idle@example.com,I,False,,True,True,2026-08-20,,,2023-01-01,2023-01-01,X\n"
            "2026-11-25,fresh@example.com,F,False,,True,True,,,,2026-11-01,,X\n"
            "2026-11-25,3F2504E04F8911D39A0C0305E82C3301,H,False,,True,True,,,,,,X\n")
    result = run(tmp_path, [user("busy"), user("idle"), user("fresh"), user("absent")],
                 **{"activity.csv": ACTIVE_USERS + rows})
    # idle: last activity 97 days before the 2026-11-25 refresh; fresh: licensed 24 days
    # before it; absent: not in the report, so no evidence either way.
    assert sorted(members(result)) == ["absent", "busy", "fresh"]
    kinds = {name.rsplit("/", 1)[-1]: what for name, what in result.tenant.files.items()}
    assert kinds["activity.csv"] == "Office 365 active user detail report"
    assert any("1 of 4 rows have concealed user names" in str(w) for w in result.warnings)


def test_a_onedrive_over_2_gb_is_never_frontline(tmp_path, catalog):
    rule = load_rules(catalog)["onedrive_storage"]
    big, small = rule.limit + 1, rule.limit // 2
    result = run(tmp_path, [user("big", F3), user("small", F3)], **{"onedrive.csv": ONEDRIVE + (
        f"2026-11-25,https://x/big,B,False,2026-11-20,9,1,{big},1099511627776,big@example.com,30\n"
        f"2026-11-25,https://x/small,S,False,2026-11-20,9,1,{small},1099511627776,small@example.com,30\n")})
    by = members(result)
    assert by["small"].worker == "frontline"
    assert by["big"].worker == "information"
    assert not set(rule.needs) & by["big"].needs
    assert implied(catalog, rule.replacement) <= implied(catalog, by["big"].needs)
    ev = {e[0]: e[1:] for e in by["big"].evidence}
    assert ev["worker"][1].endswith("uses more OneDrive storage than a frontline plan has")


def test_teams_phone_calls_keep_the_need_and_rule_out_frontline(tmp_path, catalog):
    phone = set(load_rules(catalog)["teams_phone"].needs)
    calls = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection("
                               "microsoft.graph.callRecords.pstnCallLogRow)", "value": [
        {"id": "1", "userPrincipalName": "caller@example.com", "callType": "user_out",
         "calleeNumber": "+15550100", "callerNumber": "+15550101", "conferenceId": None},
        {"id": "2", "userPrincipalName": "host@example.com", "callType": "conf_out",
         "calleeNumber": "+15550102", "callerNumber": "+15550103", "conferenceId": "c1"}]}
    result = run(tmp_path, [user("caller", F3), user("host", F3)],
                 **{"pstn.json": json.dumps(calls)})
    by = members(result)
    assert result.tenant.pstn_calls == {"caller@example.com": 1}   # the conference call is not Teams Phone
    assert by["caller"].worker == "information" and phone <= by["caller"].needs
    assert by["host"].worker == "frontline" and not phone & by["host"].needs
    ev = {e[0]: e[1:] for e in by["caller"].evidence}
    assert all(ev[f"need {n}"][0] == "added" for n in phone - set(
        catalog.items[product_of(catalog, "SPE_F1")].provides))


def _plan_guid(catalog, sku, capability):
    """The GUID of the service plan of ``sku`` that defines ``capability`` (from the catalog)."""
    row, = [r for r in catalog.tables["capabilities"] if r["id"] == capability]
    plans = set(row["service_plans"].split(";"))
    guid, = {r["service_plan_id"] for r in catalog.tables["service_plans"]
             if r["sku"] == sku and r["service_plan"] in plans}
    return guid_key(guid)


def _tier_family(catalog, capability):
    family = catalog.capabilities[capability].tier_of
    return {c for c, cap in catalog.capabilities.items() if cap.tier_of == family}


def test_disabled_service_plans_take_away_what_only_they_give(tmp_path, catalog):
    e3 = catalog.items[product_of(catalog, "SPE_E3")]
    top = max((c for c in e3.provides if catalog.capabilities[c].tier_of == "mailbox"),
              key=lambda c: catalog.capabilities[c].tier)
    guid = _plan_guid(catalog, "SPE_E3", top)
    no_mail = user("nomail")
    no_mail["assignedLicenses"][0]["disabledPlans"] = [guid.upper()]
    result = run(tmp_path, [user("full"), no_mail])
    by = members(result)
    mailbox = _tier_family(catalog, top)
    assert mailbox & implied(catalog, by["full"].needs)
    assert not mailbox & implied(catalog, by["nomail"].needs)
    dropped = [e for e in by["nomail"].evidence if e[0] == f"need {top}"]
    assert dropped and dropped[0][1] == "dropped" and "disabled on licence" in dropped[0][2]


def test_assignment_states_errors_and_group_assignments(tmp_path, catalog):
    e3 = catalog.items[product_of(catalog, "SPE_E3")]
    top = max((c for c in e3.provides if catalog.capabilities[c].tier_of == "mailbox"),
              key=lambda c: catalog.capabilities[c].tier)
    guid = _plan_guid(catalog, "SPE_E3", top)
    both = user("both", licenseAssignmentStates=[   # direct without the mailbox, group with it
        {"skuId": E3[1], "state": "Active", "error": "None", "assignedByGroup": None,
         "disabledPlans": [guid]},
        {"skuId": E3[1], "state": "Active", "error": "None", "assignedByGroup": "g1",
         "disabledPlans": []}])
    failed = user("failed", licenseAssignmentStates=[
        {"skuId": E3[1], "state": "Active", "error": "None", "assignedByGroup": None,
         "disabledPlans": []},
        {"skuId": EMS[1], "state": "Error", "error": "CountViolation", "assignedByGroup": "g2",
         "disabledPlans": []}])
    blocked = user("blocked", accountEnabled=False, licenseAssignmentStates=[
        {"skuId": E3[1], "state": "Active", "error": "None", "assignedByGroup": "g1",
         "disabledPlans": []}])
    result = run(tmp_path, [both, failed, blocked])
    by = members(result)
    assert _tier_family(catalog, top) & implied(catalog, by["both"].needs)
    users = {u.upn.split("@")[0]: u for u in result.tenant.users.values()}
    assert users["both"].disabled == {} and users["both"].by_group == {"spee3"}
    assert users["failed"].skus == {"spee3"} and users["failed"].errored == {"ems": "CountViolation"}
    ems = catalog.items[product_of(catalog, "EMS")].provides
    assert implied(catalog, ems) - e3.provides <= implied(catalog, by["failed"].needs)
    found = {(f.finding, f.sku): f for f in result.findings}
    assert found[("licence assignment in error", "EMS")].count == 1
    assert not any(k[0] == "overlapping licence" for k in found)   # EMS is not in effect
    reclaim = found[("licence on a disabled user", "SPE_E3")]
    assert reclaim.count == 1 and "remove the user from the group" in reclaim.detail


def test_bad_values_in_the_new_exports_are_one_located_line_each(tmp_path):
    import pytest

    from planner.errors import InputError

    (tmp_path / "users.json").write_text(json.dumps({"value": [
        user("a", signInActivity={"lastSignInDateTime": "yesterday"})]}))
    (tmp_path / "onedrive.csv").write_text(
        ONEDRIVE + "2026-11-25,https://x/a,A,False,,1,1,lots,1,a@example.com,30\n")
    (tmp_path / "activity.csv").write_text(
        ACTIVE_USERS + "2026-11-25,a@example.com,A,False,,True,True,31/11/2026,,,,,X\n")
    with pytest.raises(InputError) as err:
        import_tenant([tmp_path], as_of=AS_OF)
    lines = [line.removeprefix(f"{tmp_path.name}/") for line in err.value.lines()]
    assert lines == [
        "activity.csv, row 2, column Exchange Last Activity Date: '31/11/2026' is not a date (YYYY-MM-DD)",
        "onedrive.csv, row 2, column Storage Used (Byte): 'lots' is not a number",
        "users.json, row 1, column signInActivity.lastSignInDateTime: 'yesterday' is not a date (YYYY-MM-DD)",
    ]


def test_exchange_activity_without_a_mailbox_right_adds_the_mailbox_need(tmp_path, catalog):
    f1 = ("M365_F1_COMM", "50f60901-3181-4b75-8a2c-4c8e4c1d5a72")
    rule = load_rules(catalog)["mailbox_use"]
    held = catalog.items[product_of(catalog, "M365_F1_COMM")].provides
    header = "Report Refresh Date,User Principal Name,Last Activity Date,Item Count,Storage Used (Byte),Report Period\n"
    result = run(tmp_path, [user("mails", f1), user("quiet", f1)], **{"mailbox.csv": header + (
        "2026-11-25,mails@example.com,2026-11-20,40,1000,30\n"
        "2026-11-25,quiet@example.com,2026-09-01,40,1000,30\n")})   # outside the 30 days
    by = members(result)
    assert not set(rule.needs) & held                # F1 has no mailbox right
    assert set(rule.needs) <= by["mails"].needs and by["mails"].worker == "frontline"
    assert not set(rule.needs) & by["quiet"].needs
