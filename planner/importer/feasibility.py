"""Which imported personas the catalog cannot license, found before anything is written.

The imported needs and devices are facts and guesses about the tenant; whether some
product mix covers them is the catalog's business. A persona no mix covers (for example
Microsoft 365 E5 users on Macs while E5 security exists only in suites that need a
qualifying Windows OS) would stop ``planner solve``; the import says so up front, per
persona, with the reason the options stage gives, instead of changing the needs.
"""
from __future__ import annotations

from typing import Any

from planner.input.organization import Group, Holding, Organization, OrgInputs

PER_KIND = ("pcs_per_user", "tablets_per_user", "phones_per_user")
"""The Groups columns of :meth:`planner.importer.grouping.Persona.per_kind`, in order."""


def _kinds(persona) -> dict[str, Any]:
    kinds = persona.per_kind()
    return dict(zip(PER_KIND, kinds)) if kinds is not None else {}


def shortfalls(personas: list, holdings: list, as_of, renewal, catalog: Any) -> dict[str, list[str]]:
    """Persona name -> why it cannot be licensed (empty when every persona can be)."""
    from planner.model.options import enumerate_options
    from planner.catalog.pricing import Pricing

    inputs = OrgInputs(
        Organization(as_of=as_of, renewal_date=renewal),
        tuple(Group(p.name, p.users, p.worker, p.devices_per_user, p.primary_device,
                    tuple(p.needs_ids), **_kinds(p)) for p in personas),
        tuple(Holding(h.product, h.quantity, ends=h.ends) for h in holdings))
    options = enumerate_options(inputs, catalog, Pricing.for_plan(inputs, catalog, "now"))
    return {go.group.name: [f"{s.need}: {s.reason}" for s in go.shortfalls]
            for go in options.groups if go.shortfalls}
