"""Review of the roles a person holds today against the least-privilege plan.

Pure set arithmetic over the catalog; nothing here depends on the solver, so it also
serves as the independent check of a plan's role sets.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from planner.roles.catalog import RoleCatalog

OK = "ok"
MISSING = "missing tasks"
OVER = "over-privileged"
REDUNDANT = "redundant roles"
NOT_ALLOWED = "not allowed"


@dataclass(frozen=True)
class Score:
    """How a role set serves a person's tasks."""

    granted: frozenset[str]
    missing: frozenset[str]
    extra: frozenset[str]
    roles: int


def score(role_ids, needs, catalog: RoleCatalog) -> Score:
    """Tasks granted, needed tasks missing, unneeded tasks granted, and role count."""
    granted = catalog.granted(role_ids)
    needs = frozenset(needs)
    return Score(granted, needs - granted, granted - needs, len(set(role_ids)))


def forbidden_pairs(role_ids, catalog: RoleCatalog) -> list[str]:
    """Reasons of the catalog conflicts that ``role_ids`` break."""
    held = set(role_ids)
    return [c.reason for c in catalog.conflicts if {c.role, c.other_role} <= held]


@dataclass(frozen=True)
class Finding:
    """Verdict on today's roles: flags, the tasks behind them, and the change to make."""

    flags: tuple[str, ...]
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def verdict(self) -> str:
        """``ok`` or the flags joined by ``, ``."""
        return ", ".join(self.flags) if self.flags else OK


def review(current, needs, planned, catalog: RoleCatalog) -> Finding:
    """Compare today's roles with the planned least-privilege roles.

    Parameters
    ----------
    current : iterable of str
        Role ids held today.
    needs : iterable of str
        Task ids the person needs.
    planned : iterable of str
        Role ids of the least-privilege plan for the person.

    Returns
    -------
    Finding
        ``missing tasks`` when a needed task is not granted; ``over-privileged`` when
        today's roles grant more unneeded tasks than the plan; ``redundant roles`` when
        they grant no more but use more roles; ``not allowed`` when they hold roles that
        may not be combined. With no flag, the roles are already least-privilege (possibly
        a different but equally small set) and no change is proposed.
    """
    current, planned = set(current), set(planned)
    now, best = score(current, needs, catalog), score(planned, needs, catalog)
    order = [t.id for t in catalog.tasks]
    flags, notes = [], forbidden_pairs(current, catalog)
    if now.missing:
        flags.append(MISSING)
    if len(now.extra) > len(best.extra):
        flags.append(OVER)
    elif now.roles > best.roles:
        flags.append(REDUNDANT)
    if notes:
        flags.append(NOT_ALLOWED)
    if not flags:
        return Finding(())
    ids = [r.id for r in catalog.roles]
    return Finding(
        tuple(flags),
        missing=tuple(t for t in order if t in now.missing),
        extra=tuple(t for t in order if t in now.extra),
        add=tuple(r for r in ids if r in planned - current),
        remove=tuple(r for r in ids if r in current - planned),
        notes=tuple(notes))
