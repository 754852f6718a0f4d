"""Intune device exports: the portal's Devices > All devices > Export (``DevicesWithInventory``,
CSV, often inside a zip) and Graph ``managedDevice`` JSON (``GET /beta/deviceManagement/
managedDevices``; the Windows edition, ``skuFamily``/``skuNumber``, is beta-only).

Used fields: the device's user (``Primary user UPN``, else ``UPN`` / ``User principal
name``, else ``Enrolled by user UPN``), ``OS`` / ``operatingSystem``, the Windows edition
(``SkuFamily`` text or ``skuNumber``), ``Ownership`` / ``managedDeviceOwnerType``,
``deviceEnrollmentType`` (shared and userless enrollments), ``Model`` (Cloud PCs and
virtual machines), ``Last check-in`` / ``lastSyncDateTime``. A device without a user is a
shared or userless device.
"""
from __future__ import annotations

from planner.importer.readers import CsvTable, Problems, header_key
from planner.importer.skus import clean_text
from planner.importer.tenant import Device, Tenant, user_key
from planner.importer.values import RowCheck, day

USER_COLUMNS = ("primaryuserupn", "userprincipalname", "upn", "enrolledbyuserupn",
                "primaryuseremailaddress")
OS_COLUMNS = ("os", "operatingsystem")
EDITION_COLUMNS = ("skufamily", "skunumber")
OWNER_COLUMNS = ("ownership", "manageddeviceownertype", "ownertype")
ENROLLMENT_COLUMNS = ("deviceenrollmenttype", "enrollmenttype")
SEEN_COLUMNS = ("lastcheckin", "lastsyncdatetime", "lastcontact")


def is_device_csv(keys: frozenset[str]) -> bool:
    """An Intune device export."""
    return "devicename" in keys and bool(set(OS_COLUMNS) & keys)


def is_device_json(keys: frozenset[str]) -> bool:
    """Graph managedDevice objects."""
    return "operatingsystem" in keys and bool({"devicename", "manageddeviceownertype"} & keys)


def _first(get, columns: tuple[str, ...]) -> str:
    """The first non-blank value among ``columns`` ('' when none)."""
    for column in columns:
        value = get(column)
        if value not in (None, ""):
            return str(value)
    return ""


def _device(get, check: RowCheck, file: str, row: int, seen: tuple[str | None, str | None]) -> Device:
    """A device from a field getter (header key -> raw value); ``seen`` is the last-seen
    column's (key, header as written)."""
    user = _first(get, USER_COLUMNS)
    return Device(
        user=user_key(user) if "@" in user else None,
        os=clean_text(_first(get, OS_COLUMNS)),
        edition=clean_text(_first(get, EDITION_COLUMNS)),
        ownership=_first(get, OWNER_COLUMNS).strip().lower(),
        enrollment=_first(get, ENROLLMENT_COLUMNS).strip().lower(),
        model=clean_text(get("model") or ""),
        last_seen=check.value(day, get(seen[0]) if seen[0] else None, seen[1]),
        file=file, row=row)


def read_device_csv(table: CsvTable, tenant: Tenant, problems: Problems) -> None:
    """Devices from the Intune portal export."""
    wanted = USER_COLUMNS + OS_COLUMNS + EDITION_COLUMNS + OWNER_COLUMNS + ENROLLMENT_COLUMNS \
        + SEEN_COLUMNS + ("model",)
    index = {k: table.index[k] for k in wanted if k in table.index}
    seen_key = table.first(*SEEN_COLUMNS)
    seen = (seen_key, table.column(seen_key))
    for row, cells in table.rows:
        check = RowCheck(problems, table.file, row)
        values = {k: cells[i].strip() for k, i in index.items()}
        device = _device(values.get, check, table.file, row, seen)
        if check.ok:
            tenant.devices.append(device)


def read_device_json(items: list[tuple[int, dict]], file: str, tenant: Tenant,
                     problems: Problems) -> None:
    """Devices from Graph managedDevice objects."""
    for row, item in items:
        keyed = {header_key(k): v for k, v in item.items()}
        check = RowCheck(problems, file, row)
        seen_key = next((c for c in SEEN_COLUMNS if c in keyed), None)
        device = _device(keyed.get, check, file, row, (seen_key, seen_key))
        if check.ok:
            tenant.devices.append(device)
