"""Each user's devices from the Intune export: how many, and the primary work device.

``primary_device`` takes planner's values (``windows_pro``, ``windows_enterprise``,
``other``, ``none``): the user's most capable device wins (a physical Windows PC, then a
Cloud PC or virtual machine, then a Mac or Linux PC, then a phone or tablet), the most
recently seen first among equals. A Windows edition is read from ``skuNumber`` or the
``SkuFamily`` text through ``catalog/tenant/windows_editions.csv`` (first matching row
wins); an unknown edition is taken to be Windows Pro, and that guess is stated. macOS, Linux, iOS,
iPadOS and Android devices are ``other``: not a qualifying OS for Windows Enterprise per
user. Screen size is in no export, so the frontline test can only be suggested: a user
whose every device is a phone or tablet is a frontline *candidate*.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planner.importer.tables import read_table
from planner.importer.tenant import Device

EDITION_COLUMNS = ("kind", "value", "primary_device", "verified", "source")

MOBILE = ("ios", "ipados", "android", "windows mobile", "windows phone")
PC_OTHER = ("macos", "mac os", "os x", "linux", "chrome")
VIRTUAL_MODELS = ("cloud pc", "virtual machine", "vmware", "virtualbox", "kvm")
SHARED_ENROLLMENTS = ("windowsbulkuserless", "applebulkwithoutuser", "dedicated", "shared",
                      "kiosk", "userless")
DEFAULT_INSTALL_LIMIT = 5


@dataclass(frozen=True)
class Edition:
    """One row of ``windows_editions.csv``."""

    kind: str
    value: str
    primary_device: str
    verified: bool


@dataclass(frozen=True)
class DeviceSummary:
    """What the device export says about one user; ``kinds`` counts the devices per kind
    (:data:`KINDS`)."""

    count: int
    primary: str
    reason: str
    virtual: bool
    mobile_only: bool
    kinds: tuple[int, int, int] = (0, 0, 0)


def load_editions() -> list[Edition]:
    """The Windows edition table shipped with the importer."""
    rows = read_table("windows_editions.csv", EDITION_COLUMNS)
    return [Edition(r["kind"], r["value"].lower(), r["primary_device"], r["verified"] == "Y")
            for r in rows]


def os_class(device: Device) -> str:
    """``windows``, ``virtual`` (a Windows Cloud PC or virtual machine), ``pc_other``,
    ``mobile`` or ``unknown``."""
    os_name = device.os.lower()
    if any(os_name.startswith(m) for m in MOBILE):
        return "mobile"
    if os_name.startswith("windows"):
        return "virtual" if any(v in device.model.lower() for v in VIRTUAL_MODELS) else "windows"
    if any(os_name.startswith(p) for p in PC_OTHER):
        return "pc_other"
    return "unknown"


RANK = {"windows": 4, "virtual": 3, "pc_other": 2, "unknown": 1, "mobile": 0}
KINDS = ("pc", "tablet", "phone")
"""Device kinds of the install rights (a Cloud PC and an unknown OS count as PCs)."""
_TABLET = re.compile(r"ipad|\btab\b|tablet|\bpad\b|galaxy tab", re.IGNORECASE)


def device_kind(device: Device) -> str:
    """``pc``, ``tablet`` (an iPad, or a model named like a tablet: a guess) or ``phone``."""
    if os_class(device) != "mobile":
        return "pc"
    return "tablet" if _TABLET.search(f"{device.os} {device.model}") else "phone"


def shared(device: Device) -> bool:
    """True for a device without a user or enrolled as shared/userless/dedicated."""
    return device.user is None or any(s in device.enrollment for s in SHARED_ENROLLMENTS)


class DeviceIndex:
    """The devices of every user, and the tenant's shared devices."""

    def __init__(self, devices: list[Device], editions: list[Edition] | None = None):
        self.present = bool(devices)
        self.editions = editions if editions is not None else load_editions()
        self.by_user: dict[str, list[Device]] = {}
        self.shared = 0
        for device in devices:
            if shared(device):
                self.shared += 1
            if device.user is not None:
                self.by_user.setdefault(device.user, []).append(device)

    def edition(self, device: Device) -> tuple[str, str]:
        """(primary_device value, reason) of a Windows device."""
        text = device.edition.strip().lower()
        if text.isdigit():
            match = next((e for e in self.editions if e.kind == "number" and e.value == text), None)
        else:
            squeezed = text.replace(" ", "")
            match = next((e for e in self.editions if e.kind == "family" and squeezed
                          and e.value in squeezed), None)
        if match is None:
            what = f"Windows edition '{device.edition}' unknown" if text else "Windows edition not in the export"
            return "windows_pro", f"{what}: windows_pro assumed"
        tail = "" if match.verified else " (qualifying OS status unverified)"
        return match.primary_device, f"Windows {device.edition}{tail}"

    def summary(self, user: str) -> DeviceSummary | None:
        """The user's device facts, or None when no device export was read."""
        if not self.present:
            return None
        devices = self.by_user.get(user, [])
        if not devices:
            return DeviceSummary(0, "none", "no device in the Intune export", False, False)
        classes = [os_class(d) for d in devices]
        best = max(zip(devices, classes), key=lambda dc: (RANK[dc[1]], dc[0].last_seen or date.min))
        device, kind = best
        if kind in ("windows", "virtual"):
            primary, reason = self.edition(device)
        else:
            primary = "other"
            reason = f"{device.os or 'unknown OS'} is the best device enrolled"
        kinds = [device_kind(d) for d in devices]
        return DeviceSummary(len(devices), primary, reason, "virtual" in classes,
                             all(c == "mobile" for c in classes),
                             (kinds.count(KINDS[0]), kinds.count(KINDS[1]), kinds.count(KINDS[2])))
