"""Users into personas: the chosen key x the inferred needs x worker kind x primary device.

Keys (``--group-by``): ``department`` (the directory department, compared ignoring case
and spacing), ``licences`` (the set of catalog products the user holds) or ``usage``
(no organizational key: personas are the distinct need and device profiles). Personas
smaller than ``min_size`` users are folded into one "other departments" (or "other
licence sets") persona with the same needs and devices, so that a tenant with many small
departments still gives hundreds of personas, not thousands; needs are never merged.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planner.importer.evidence import Profile
from planner.importer.skus import clean_text
from planner.importer.tenant import User

GROUP_BY = ("department", "usage", "licences")
OTHER = {"department": "other departments", "licences": "other licence sets"}
NO_DEPARTMENT = "no department"


@dataclass
class Persona:
    """One group of the Groups sheet and its members."""

    key: str
    needs: frozenset[str]
    worker: str
    primary_device: str
    members: list[tuple[User, Profile]] = field(default_factory=list)
    folded: bool = False
    name: str = ""
    needs_ids: tuple[str, ...] = ()
    blocked: list[str] = field(default_factory=list)

    @property
    def users(self) -> int:
        """Headcount."""
        return len(self.members)

    @property
    def devices_per_user(self) -> int:
        """The most devices any member uses (the 5-device rule is judged on it)."""
        return max(p.devices for _, p in self.members)

    def per_kind(self) -> tuple[int, int, int] | None:
        """The most PCs, tablets and phones any member uses (None without a device export)."""
        kinds = [p.kinds for _, p in self.members if p.kinds is not None]
        if not kinds:
            return None
        return (max(k[0] for k in kinds), max(k[1] for k in kinds), max(k[2] for k in kinds))

    @property
    def devices(self) -> int:
        """Total devices of the members."""
        return sum(p.devices for _, p in self.members)

    def evidence(self) -> Counter:
        """(item, value, reason) -> how many members it applies to."""
        counts: Counter = Counter()
        for _, prof in self.members:
            counts.update(prof.evidence)
        return counts


def needs_ids(needs: frozenset[str], catalog: Any) -> tuple[str, ...]:
    """The needs as written on the Groups sheet: the largest catalog profile they contain,
    then the other needs in catalog order."""
    profiles = sorted(catalog.profiles.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    best = next(((pid, set(ids)) for pid, ids in profiles if ids and set(ids) <= needs), None)
    covered = best[1] if best else set()
    rest = tuple(n for n in catalog.needs.index if n in needs and n not in covered)
    return ((best[0],) if best else ()) + rest


def _key(user: User, profile: Profile, by: str) -> tuple[str, str]:
    """(comparison key, display text) of a user for ``by``."""
    if by == "department":
        text = clean_text(user.department)
        return text.casefold(), text or NO_DEPARTMENT
    if by == "licences":
        text = "+".join(profile.products)
        return text, text
    return "", ""


def group(members: list[tuple[User, Profile]], by: str, min_size: int, catalog: Any) -> list[Persona]:
    """Personas of ``members`` (see the module docstring), largest first."""
    keyed = [(_key(u, p, by), u, p) for u, p in members]
    spelled: dict[str, Counter] = {}
    for (k, text), _, _ in keyed:
        spelled.setdefault(k, Counter())[text] += 1
    sizes = Counter((k, p.needs, p.worker, p.primary_device) for (k, _), _, p in keyed)
    personas: dict[tuple, Persona] = {}
    for (k, _), user, prof in keyed:
        folded = by in OTHER and sizes[(k, prof.needs, prof.worker, prof.primary_device)] < min_size
        display = OTHER[by] if folded else spelled[k].most_common(1)[0][0]
        pkey = (display.casefold() if folded else k, prof.needs, prof.worker, prof.primary_device)
        persona = personas.get(pkey)
        if persona is None:
            persona = personas[pkey] = Persona(display, prof.needs, prof.worker,
                                               prof.primary_device, folded=folded)
        persona.members.append((user, prof))
    result = sorted(personas.values(), key=lambda p: (-p.users, p.key.casefold()))
    for persona in result:
        persona.needs_ids = needs_ids(persona.needs, catalog)
        persona.name = " / ".join(_name_parts(persona))
    _make_unique(result)
    return result


def _name_parts(persona: Persona) -> list[str]:
    """Key, the members' most common licence set, primary device and worker kind."""
    licences = Counter(p.products for _, p in persona.members).most_common(1)[0][0]
    parts = ([persona.key] if persona.key else []) + ["+".join(licences), persona.primary_device]
    return parts + (["frontline"] if persona.worker == "frontline" else [])


def _make_unique(personas: list[Persona]) -> None:
    """Personas that share a name (same licences, different needs) get their needs added;
    the largest keeps the short name."""
    by_name: dict[str, list[Persona]] = {}
    for persona in personas:
        by_name.setdefault(persona.name.casefold(), []).append(persona)
    taken = {name for name, same in by_name.items() if len(same) == 1}
    for same in (s for s in by_name.values() if len(s) > 1):
        taken.add(same[0].name.casefold())
        for persona in same[1:]:
            base, name, n = f"{persona.name} / needs {'+'.join(persona.needs_ids)}", "", 2
            name = base
            while name.casefold() in taken:
                name, n = f"{base} #{n}", n + 1
            taken.add(name.casefold())
            persona.name = name
