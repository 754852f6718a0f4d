"""Microsoft Graph JSON responses, and the PowerShell ``ConvertTo-Json`` of the same objects.

Accepted shapes: a Graph page (``{"@odata.context": ..., "value": [...],
"@odata.nextLink": ...}``), a list of pages, a list of objects, or one object (what
``Get-MgSubscribedSku | ConvertTo-Json -Depth 5`` prints for a single SKU). Field names
are compared case-insensitively, so Graph's ``skuPartNumber`` and PowerShell's
``SkuPartNumber`` are the same field. Each page of ``users`` is one file; a page with an
``@odata.nextLink`` promises another page (checked in :mod:`planner.importer.detect`).

Objects read here:

- ``subscribedSku`` (``GET /v1.0/subscribedSkus``): ``skuId``, ``skuPartNumber``,
  ``prepaidUnits.enabled|warning|suspended|lockedOut``, ``consumedUnits``,
  ``capabilityStatus``, ``appliesTo``, ``subscriptionIds``, ``accountName``;
- ``companySubscription`` (``GET /v1.0/directory/subscriptions``): ``id``, ``skuId``,
  ``skuPartNumber``, ``status``, ``totalLicenses``, ``nextLifecycleDateTime``, ``isTrial``;
- ``user`` (``GET /v1.0/users?$select=...``): ``userPrincipalName``, ``accountEnabled``,
  ``userType``, ``department``, ``jobTitle``, ``usageLocation``, ``createdDateTime``,
  ``assignedLicenses[].skuId`` and ``.disabledPlans``, ``licenseAssignmentStates[]``
  (``skuId``, ``state``, ``error``, ``assignedByGroup``, ``disabledPlans``) and
  ``signInActivity`` (``lastSignInDateTime``, ``lastNonInteractiveSignInDateTime``,
  ``lastSuccessfulSignInDateTime``).

A licence whose every assignment state is ``Error`` or ``Disabled`` is not in effect; the
service plans disabled on a licence are those disabled on every assignment in effect (a
user assigned the same SKU directly and through a group has the plans either enables).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.importer.readers import Problems
from planner.importer.skus import clean_text, guid_key
from planner.importer.tenant import (
    Assignment,
    LicenceRef,
    OwnedSku,
    Subscription,
    Tenant,
    make_user,
)
from planner.importer.values import RowCheck, count, day, powershell_object, yes_no

DEPTH_HINT = "export with ConvertTo-Json -Depth 5 (the default depth prints type names)"


@dataclass
class Page:
    """One page of objects (keys lower-cased) with its OData context and next link."""

    items: list[dict[str, Any]]
    context: str
    next_link: str | None


def lower(obj: Any) -> Any:
    """A JSON object with lower-case keys (other values unchanged)."""
    return {str(k).lower(): v for k, v in obj.items()} if isinstance(obj, dict) else obj


def _page(doc: dict[str, Any]) -> Page:
    meta = lower(doc)
    items = [lower(x) for x in meta.get("value", [])]
    return Page(items, str(meta.get("@odata.context", "")), meta.get("@odata.nextlink"))


def pages(doc: Any) -> list[Page]:
    """The pages of a JSON document (see the module docstring for the shapes)."""
    if isinstance(doc, dict):
        return [_page(doc)] if isinstance(doc.get("value"), list) else [Page([lower(doc)], "", None)]
    if isinstance(doc, list):
        if doc and all(isinstance(d, dict) and isinstance(d.get("value"), list) for d in doc):
            return [_page(d) for d in doc]
        return [Page([lower(x) for x in doc], "", None)]
    return [Page([doc], "", None)]


def json_kind(keys: frozenset[str], context: str) -> str | None:
    """Which Graph object a page holds, from its first object's fields or its context."""
    ctx = context.lower()
    if "skupartnumber" in keys and ({"prepaidunits", "consumedunits"} & keys) \
            or ctx.endswith("#subscribedskus"):
        return "subscribed_skus"
    if "nextlifecycledatetime" in keys or {"totallicenses", "skuid"} <= keys \
            or "directory/subscriptions" in ctx:
        return "subscriptions"
    if {"skuid", "serviceplans"} <= keys and "userprincipalname" not in keys:
        return "license_details"
    if "userprincipalname" in keys or ctx.endswith("#users"):
        return "users"
    return None


def read_subscribed_skus(items: list[tuple[int, dict]], file: str, tenant: Tenant,
                         problems: Problems) -> None:
    """Owned SKUs from ``subscribedSku`` objects."""
    for row, item in items:
        check = RowCheck(problems, file, row)
        part = clean_text(item.get("skupartnumber") or "")
        if not part:
            check.fail("missing skuPartNumber", "skuPartNumber")
        units = item.get("prepaidunits")
        if powershell_object(units):
            check.fail("prepaidUnits holds a PowerShell type name, not the counts",
                       "prepaidUnits", DEPTH_HINT)
            continue
        if not isinstance(units, dict):
            check.fail("missing prepaidUnits (the owned quantities)", "prepaidUnits")
            continue
        units = lower(units)
        values = {name: check.value(count, units.get(name), f"prepaidUnits.{name}", default=0)
                  for name in ("enabled", "warning", "suspended", "lockedout")}
        consumed = check.value(count, item.get("consumedunits"), "consumedUnits")
        ids = item.get("subscriptionids") or []
        if not check.ok:
            continue
        tenant.account = tenant.account or (clean_text(item.get("accountname") or "") or None)
        tenant.skus.append(OwnedSku(
            part=part, guid=guid_key(item.get("skuid") or ""), enabled=values["enabled"],
            warning=values["warning"], suspended=values["suspended"],
            locked_out=values["lockedout"], consumed=consumed,
            status=clean_text(item.get("capabilitystatus") or "Enabled"),
            applies_to=clean_text(item.get("appliesto") or "User"),
            subscription_ids=tuple(str(i).lower() for i in ids if i), file=file, row=row))


def read_subscriptions(items: list[tuple[int, dict]], file: str, tenant: Tenant,
                       problems: Problems) -> None:
    """Term data from ``companySubscription`` objects."""
    for row, item in items:
        check = RowCheck(problems, file, row)
        ends = check.value(day, item.get("nextlifecycledatetime"), "nextLifecycleDateTime")
        total = check.value(count, item.get("totallicenses"), "totalLicenses")
        trial = check.value(yes_no, item.get("istrial"), "isTrial", default=False)
        part = clean_text(item.get("skupartnumber") or "")
        guid = guid_key(item.get("skuid") or "")
        if not part and not guid:
            check.fail("missing skuId and skuPartNumber", "skuId")
        if check.ok:
            tenant.subscriptions.append(Subscription(
                id=str(item.get("id") or "").lower(), part=part, guid=guid,
                status=clean_text(item.get("status") or "Enabled"), total=total, ends=ends,
                trial=bool(trial), file=file, row=row))


def _sku_ids(licences: Any, check: RowCheck) -> tuple[str, ...] | None:
    if licences is None:
        return None
    if not isinstance(licences, list):
        licences = [licences]
    ids = []
    for lic in licences:
        if powershell_object(lic):
            check.fail("assignedLicenses holds PowerShell type names, not the skuIds",
                       "assignedLicenses", DEPTH_HINT)
            return ()
        sku = lower(lic).get("skuid") if isinstance(lic, dict) else lic
        if sku:
            ids.append(str(sku))
    return tuple(ids)


ACTIVE_STATES = ("active", "activewitherror")
SIGN_IN_FIELDS = ("lastSignInDateTime", "lastNonInteractiveSignInDateTime",
                  "lastSuccessfulSignInDateTime")


def _plans(value: Any) -> frozenset[str]:
    """Lower-case service plan GUIDs of a ``disabledPlans`` list."""
    values = value if isinstance(value, list) else []
    return frozenset(g for g in (guid_key(v) for v in values if isinstance(v, str)) if g)


def _assignments(item: dict) -> dict[str, Assignment]:
    """skuId -> :class:`Assignment` from ``licenseAssignmentStates`` (when exported),
    else from the ``disabledPlans`` of ``assignedLicenses``."""
    states = item.get("licenseassignmentstates")
    found: dict[str, list[dict]] = {}
    if isinstance(states, list) and states:
        for state in states:
            state = lower(state)
            key = guid_key(state.get("skuid") or "") if isinstance(state, dict) else None
            if key:
                found.setdefault(key, []).append(state)
        result = {}
        for guid, rows in found.items():
            live = [r for r in rows if str(r.get("state") or "active").lower() in ACTIVE_STATES]
            errors = sorted({str(r.get("error")) for r in rows if r.get("error")
                             and str(r.get("error")).lower() != "none"})
            plans = frozenset.intersection(*(_plans(r.get("disabledplans")) for r in live)) \
                if live else frozenset()
            if not live:
                errors = errors or sorted({str(r.get("state")) for r in rows})
            result[guid] = Assignment(plans, bool(live), "; ".join(errors),
                                      any(r.get("assignedbygroup") for r in rows))
        return result
    licences = item.get("assignedlicenses")
    return {key: Assignment(_plans(lic.get("disabledplans")))
            for lic in (lower(x) for x in (licences if isinstance(licences, list) else []))
            if isinstance(lic, dict) and lic.get("disabledplans")
            and (key := guid_key(lic.get("skuid") or ""))}


def _sign_in(item: dict, check: RowCheck) -> tuple[bool, date | None]:
    """(whether ``signInActivity`` was exported, the latest sign-in date in it)."""
    activity = lower(item.get("signinactivity"))
    if not isinstance(activity, dict):
        return False, None
    dates = [check.value(day, activity.get(f.lower()), f"signInActivity.{f}") for f in SIGN_IN_FIELDS]
    return True, max(filter(None, dates), default=None)


def read_users(items: list[tuple[int, dict]], file: str, tenant: Tenant,
               problems: Problems) -> None:
    """Users and their assigned licences from ``user`` objects."""
    if items and all("assignedlicenses" not in item for _, item in items):
        problems.add("users have no assignedLicenses field", file, column="assignedLicenses",
                     hint="add assignedLicenses to $select (see docs/import.md)")
        return
    for row, item in items:
        check = RowCheck(problems, file, row)
        upn = clean_text(item.get("userprincipalname") or "")
        if not upn:
            check.fail("missing userPrincipalName", "userPrincipalName")
        enabled = check.value(yes_no, item.get("accountenabled"), "accountEnabled")
        ids = _sku_ids(item.get("assignedlicenses"), check)
        created = check.value(day, item.get("createddatetime"), "createdDateTime")
        known, last = _sign_in(item, check)
        if not check.ok:
            continue
        user = make_user(
            upn, enabled, str(item.get("usertype") or ""), str(item.get("department") or ""),
            str(item.get("jobtitle") or ""),
            str(item.get("usagelocation") or item.get("country") or ""),
            LicenceRef("guids", ids or ()), "graph", file, row, "assignedLicenses", created)
        user.sign_in_known, user.last_sign_in = known, last
        user.assignments = _assignments(item)
        tenant.add_user(user, problems)
