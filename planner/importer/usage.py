"""Usage reports (admin center Reports > Usage, or Graph ``/reports``), CSV or JSON.

Live report CSVs are UTF-8 with a BOM and CRLF line ends; columns are read by name and
extra columns are ignored. Rows whose ``User Principal Name`` is concealed (a 32-hex token
or GUID: the tenant setting "Display concealed user, group, and site names in all
reports" is on) cannot be joined to users: they are counted per report, and what they
show is reported at tenant level only. Deleted users (``Is Deleted`` = True) are skipped.

- Microsoft 365 Apps user detail (``getM365AppUserDetail``): ``Windows``, ``Mac``,
  ``Web`` and the per-app platform columns (``Word (Windows)`` ...), ``Report Period``;
  JSON form with ``details[]``.
- Office activations user detail (``getOffice365ActivationsUserDetail``): ``Product
  Type``, ``Windows``, ``Mac`` (activation counts).
- Mailbox usage detail (``getMailboxUsageDetail``): ``Storage Used (Byte)``, ``Has
  Archive``, ``Last Activity Date`` (Exchange use), optional ``Recipient Type``.
- Copilot usage user detail (``getMicrosoft365CopilotUsageUserDetail``): ``Last Activity
  Date`` and the per-app ``... Copilot Last Activity Date`` columns, ``Report Period``.
- Office 365 active user detail (``getOffice365ActiveUserDetail``): the per-workload
  ``... Last Activity Date`` columns (Exchange, OneDrive, SharePoint, Skype for Business,
  Yammer, Teams) and ``... License Assign Date`` columns: the inactivity evidence.
- OneDrive usage account detail (``getOneDriveUsageAccountDetail``): ``Owner Principal
  Name``, ``Storage Used (Byte)``.
- Teams PSTN and Direct Routing call logs (Graph ``communications/callRecords/getPstnCalls``
  and ``getDirectRoutingCalls``, JSON): ``userPrincipalName`` per call; calls with a
  ``conferenceId`` are audio conferencing, not Teams Phone, and are not counted.
"""
from __future__ import annotations

from datetime import timedelta

from planner.importer.readers import CsvTable, Problems, header_key
from planner.importer.tenant import (
    Activity,
    AppUse,
    CopilotUse,
    Mailbox,
    Report,
    Tenant,
    user_key,
)
from planner.importer.values import RowCheck, concealed, count, day, period_days, yes_no

UNUSED_REPORTS = {
    "SharePoint site usage": frozenset({"siteurl", "rootwebtemplate"}),
    "Teams user activity": frozenset({"userprincipalname", "teamchatmessagecount"}),
    "SharePoint or OneDrive activity": frozenset({"userprincipalname", "viewedoreditedfilecount"}),
}
"""Reports recognised but not used (name -> header keys that identify them)."""
SHARED_MAILBOXES = ("shared", "room", "equipment")


def _desktop_columns(keys) -> list[str]:
    return [k for k in keys if k in ("windows", "mac")
            or (k.endswith(("windows", "mac")) and k != "windows10mobile")]


def is_apps_report(keys: frozenset[str]) -> bool:
    """Microsoft 365 Apps user detail."""
    return {"userprincipalname", "windows", "mac", "web"} <= keys and "producttype" not in keys


def is_activations_report(keys: frozenset[str]) -> bool:
    """Office activations user detail."""
    return {"userprincipalname", "producttype", "windows", "mac"} <= keys


def is_mailbox_report(keys: frozenset[str]) -> bool:
    """Mailbox usage detail."""
    return {"userprincipalname", "storageusedbyte", "itemcount"} <= keys


def is_copilot_report(keys: frozenset[str]) -> bool:
    """Copilot usage user detail."""
    return "userprincipalname" in keys and any(
        "copilot" in k and k.endswith("lastactivitydate") for k in keys)


def is_active_user_report(keys: frozenset[str]) -> bool:
    """Office 365 active user detail."""
    return {"userprincipalname", "exchangelastactivitydate"} <= keys


def is_onedrive_report(keys: frozenset[str]) -> bool:
    """OneDrive usage account detail (SharePoint site usage has a root web template)."""
    return {"ownerprincipalname", "storageusedbyte"} <= keys and "rootwebtemplate" not in keys


def is_pstn_calls(keys: frozenset[str]) -> bool:
    """Rows of the Teams PSTN or Direct Routing call log (JSON)."""
    return {"userprincipalname", "calltype"} <= keys and bool({"calleenumber", "callernumber"} & keys)


def unused_report(keys: frozenset[str]) -> str | None:
    """Name of a recognised report planner does not use, or None."""
    return next((name for name, need in UNUSED_REPORTS.items() if need <= keys), None)


def _rows(table: CsvTable, kind: str, tenant: Tenant, problems: Problems,
          user_column: str = "userprincipalname"):
    """(check, upn key, cells) of each joinable row; the report is recorded in ``tenant``."""
    report = Report(kind, table.file)
    tenant.reports.append(report)
    for row, cells in table.rows:
        report.rows += 1
        check = RowCheck(problems, table.file, row)
        upn = table.cell(cells, user_column)
        if check.value(yes_no, table.cell(cells, "isdeleted"), table.column("isdeleted")):
            continue
        refresh = check.value(day, table.cell(cells, "reportrefreshdate"),
                              table.column("reportrefreshdate"))
        period = check.value(period_days, table.cell(cells, "reportperiod"),
                             table.column("reportperiod"))
        if refresh and (report.refresh is None or refresh > report.refresh):
            report.refresh = refresh
        report.period = period if period is not None else report.period
        if not upn:
            check.fail("missing user principal name", table.column(user_column))
        if not check.ok:
            continue
        if concealed(upn):
            report.concealed += 1
            yield check, None, cells
            continue
        yield check, user_key(upn), cells


def read_apps(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Desktop and web Office use per user from the Microsoft 365 Apps user detail."""
    desktop_cols = _desktop_columns(table.keys)
    web_cols = [k for k in table.keys if k.endswith("web")]
    for check, key, cells in _rows(table, "apps", tenant, problems):
        desktop = any(check.value(yes_no, table.cell(cells, c), table.column(c)) for c in desktop_cols)
        web = any(check.value(yes_no, table.cell(cells, c), table.column(c)) for c in web_cols)
        _record_apps(tenant, key, tenant.reports[-1], desktop, web)


def _record_apps(tenant: Tenant, key: str | None, report: Report, desktop: bool, web: bool) -> None:
    if key is None:
        report.facts["concealed without desktop use"] = \
            report.facts.get("concealed without desktop use", 0) + (not desktop)
        return
    old = tenant.apps.get(key)
    tenant.apps[key] = AppUse(report.period, desktop or bool(old and old.desktop),
                              web or bool(old and old.web))


def _json_rows(items: list[tuple[int, dict]], kind: str, file: str, tenant: Tenant):
    """(report, row, object, user principal name) of each object of a JSON report; the
    report is recorded in ``tenant``."""
    report = Report(kind, file)
    tenant.reports.append(report)
    for row, item in items:
        report.rows += 1
        yield report, row, item, str(item.get("userprincipalname") or "").strip()


def read_apps_json(items: list[tuple[int, dict]], file: str, tenant: Tenant,
                   problems: Problems) -> None:
    """The JSON form of the Microsoft 365 Apps user detail (``details[]`` per user)."""
    for report, row, item, upn in _json_rows(items, "apps", file, tenant):
        check = RowCheck(problems, file, row)
        details = item.get("details") or []
        if not upn or not isinstance(details, list) or not details:
            check.fail("missing userPrincipalName or details", "details")
            continue
        detail = max((_keyed(d) for d in details if isinstance(d, dict)),
                     key=lambda d: period_days(d.get("reportperiod")) or 0, default={})
        report.period = check.value(period_days, detail.get("reportperiod"), "reportPeriod")
        refresh = check.value(day, item.get("reportrefreshdate"), "reportRefreshDate")
        report.refresh = max(filter(None, (report.refresh, refresh)), default=None)
        desktop = any(bool(detail.get(k)) for k in _desktop_columns(detail))
        web = any(bool(v) for k, v in detail.items() if k.endswith("web"))
        if concealed(upn):
            report.concealed += 1
        _record_apps(tenant, None if concealed(upn) else user_key(upn), report, desktop, web)


def _keyed(detail: dict) -> dict:
    return {header_key(k): v for k, v in detail.items()}


def read_activations(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Desktop Office activations (Windows + Mac) per user; Project and Visio rows are not
    Office apps and are left out."""
    for check, key, cells in _rows(table, "activations", tenant, problems):
        product = table.cell(cells, "producttype").upper()
        installs = sum(check.value(count, table.cell(cells, c), table.column(c), default=0)
                       for c in ("windows", "mac"))
        if key is None or "PROJECT" in product or "VISIO" in product:
            continue
        tenant.activations[key] = tenant.activations.get(key, 0) + installs


def read_mailboxes(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Mailbox size, archive and recipient type per user."""
    for check, key, cells in _rows(table, "mailbox", tenant, problems):
        size = check.value(count, table.cell(cells, "storageusedbyte"), table.column("storageusedbyte"))
        archive = check.value(yes_no, table.cell(cells, "hasarchive"), table.column("hasarchive"))
        recipient = table.cell(cells, "recipienttype").lower()
        last = check.value(day, table.cell(cells, "lastactivitydate"),
                           table.column("lastactivitydate"))
        report = tenant.reports[-1]
        if key is not None and check.ok:
            tenant.mailboxes[key] = Mailbox(size, archive, recipient, used(
                CopilotUse(report.period, last, report.refresh)))


def read_copilot(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """The latest Copilot activity date per licensed user."""
    date_cols = [k for k in table.keys if k.endswith("lastactivitydate")]
    for check, key, cells in _rows(table, "copilot", tenant, problems):
        dates = [check.value(day, table.cell(cells, c), table.column(c)) for c in date_cols]
        last = max(filter(None, dates), default=None)
        report = tenant.reports[-1]
        if key is None:
            idle = not used(CopilotUse(report.period, last, report.refresh))
            report.facts["concealed without Copilot use"] = \
                report.facts.get("concealed without Copilot use", 0) + idle
        elif check.ok:
            tenant.copilot[key] = CopilotUse(report.period, last, report.refresh)


def used(use: CopilotUse) -> bool:
    """True when the activity (Copilot, or Exchange for a mailbox) falls inside the report
    period."""
    if use.last is None:
        return False
    if use.refresh is None or use.period is None:
        return True
    return use.last >= use.refresh - timedelta(days=use.period)


def read_active_users_report(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """The latest activity over every workload, and the latest licence assignment, per user."""
    activity_cols = [k for k in table.keys if k.endswith("lastactivitydate")]
    assign_cols = [k for k in table.keys if k.endswith("licenseassigndate")]
    for check, key, cells in _rows(table, "activity", tenant, problems):
        last = max(filter(None, (check.value(day, table.cell(cells, c), table.column(c))
                                 for c in activity_cols)), default=None)
        assigned = max(filter(None, (check.value(day, table.cell(cells, c), table.column(c))
                                     for c in assign_cols)), default=None)
        if key is not None and check.ok:
            tenant.activity[key] = Activity(last, assigned, tenant.reports[-1].refresh)


def read_onedrive(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """OneDrive storage used per owner."""
    for check, key, cells in _rows(table, "onedrive", tenant, problems, "ownerprincipalname"):
        size = check.value(count, table.cell(cells, "storageusedbyte"),
                           table.column("storageusedbyte"))
        if key is not None and check.ok and size is not None:
            tenant.onedrive[key] = max(size, tenant.onedrive.get(key, 0))


def read_pstn_calls(items: list[tuple[int, dict]], file: str, tenant: Tenant,
                    problems: Problems) -> None:
    """Teams Phone calls per user from the PSTN or Direct Routing call log."""
    for report, _, item, upn in _json_rows(items, "pstn", file, tenant):
        if not upn or item.get("conferenceid"):
            continue
        if concealed(upn):
            report.concealed += 1
            continue
        key = user_key(upn)
        tenant.pstn_calls[key] = tenant.pstn_calls.get(key, 0) + 1
