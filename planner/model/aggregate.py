"""Solving many alike groups as one: an exact reduction of the integer program.

Two groups are *alike* when they have the same bundles, the same units per user of every
product in them, the same platform qualification, and no holding assigned to either.
Their columns then enter every organization-wide row (supply, step-up sources, SA
backing, seat caps) with the same coefficients, and each of their own rows
(``headcount``, ``family_in_use``, ``enterprise_wide``) reads the same with the headcount
as the only number. Merging them into one group of their summed headcount is exact both
ways:

- a plan of the groups sums to a plan of the merged group of the same cost;
- an integer plan of the merged group splits into integer plans of the groups
  (:func:`spread`: fill each group's headcount from the merged counts in turn). With
  ``active[F] = 0`` the merged group has no user on a bundle carrying F, so neither has
  any group; with ``active[F] = 1`` the per-group rows hold for any split (no group has
  more users than its headcount). ``enterprise_wide`` is the same with ``1 - active[F]``.

Organizations of many personas have far fewer classes than groups (docs/benchmarks.md
gives the counts of the benchmark's organizations), so the solver's model grows with the
classes, not the personas. The reduction never changes the optimum, only how many equal-cost plans
the solver must tell apart.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from planner.model.options import GroupOptions, Options
from planner.model.program import PlanningModel, group_units


@dataclass
class Reduction:
    """The merged options and, per merged group, the indices of the groups it stands for."""

    options: Options
    members: list[list[int]]

    @property
    def merges(self) -> bool:
        """True when some merged group stands for more than one group."""
        return len(self.members) < sum(len(m) for m in self.members)


def _units(go: GroupOptions, catalog, products) -> tuple:
    return tuple((p, go.per_user(catalog, p)) for p in products)


def alike_groups(m: PlanningModel) -> Reduction:
    """Merge the alike groups of the built model ``m`` (see the module docstring)."""
    options, catalog = m.options, m.catalog
    assigned = {h.group for h in m.inputs.holdings if h.group}
    classes: dict[tuple, list[int]] = {}
    order: list[list[int]] = []
    lists: dict[tuple, int] = {}  # bundle lists are shared between groups: each gets a number once
    by_id: dict[int, int] = {}
    for gi, go in enumerate(options.groups):
        if go.group.name in assigned:
            order.append([gi])
            continue
        number = by_id.get(id(go.bundles))
        if number is None:
            number = by_id[id(go.bundles)] = lists.setdefault(tuple(go.bundles), len(lists))
        key = (number, go.owed, tuple(group_units(m, gi).items()), go.org_users)
        if key in classes:
            classes[key].append(gi)
        else:
            classes[key] = [gi]
            order.append(classes[key])
    groups, members = [], []
    for idx in order:
        merged = _merged(options, idx, catalog, tuple(group_units(m, idx[0])))
        if merged is None:  # the summed group would not give the same units per user
            groups += [options.groups[gi] for gi in idx]
            members += [[gi] for gi in idx]
        else:
            groups.append(merged)
            members.append(idx)
    return Reduction(Options(groups, options.family_members, options.committed_families,
                             options.platform_agreement), members)


def _merged(options: Options, idx: list[int], catalog, products) -> GroupOptions | None:
    """One group standing for the groups ``idx`` (None if their units per user would change)."""
    first = options.groups[idx[0]]
    if len(idx) == 1:
        return first
    parts = [options.groups[gi].group for gi in idx]
    shared = any(g.devices is not None for g in parts)
    group = replace(first.group, users=sum(g.users for g in parts),
                    devices=sum(g.device_count for g in parts) if shared else None)
    out = GroupOptions(group, first.needs, first.bundles, first.owed, [], first.org_users)
    return out if _units(out, catalog, products) == _units(first, catalog, products) else None


def spread(x: np.ndarray, reduced: PlanningModel, full: PlanningModel, reduction: Reduction) -> np.ndarray:
    """The full model's solution from the reduced model's integer solution ``x``.

    ``reduced`` and ``full`` are :class:`~planner.model.program.PlanningModel` objects;
    keep, buy and active columns are the same in both, users and unlicensed are split
    over the groups of each merged group.
    """
    out = np.zeros(len(full.matrix.col_names))
    for table in ("col_keep", "col_buy", "col_active"):
        mine, theirs = getattr(reduced, table), getattr(full, table)
        for key, col in theirs.items():
            out[col] = x[mine[key]]
    for ri, idx in enumerate(reduction.members):
        nb = len(reduced.options.groups[ri].bundles)
        pool = [round(x[reduced.col_users[ri, bi]]) for bi in range(nb)]
        pool.append(round(x[reduced.col_unlicensed[ri]]))
        slot = 0
        for gi in idx:
            need = full.options.groups[gi].group.users
            while need > 0 and slot < len(pool):
                take = min(need, pool[slot])
                if take:
                    col = full.col_users[gi, slot] if slot < nb else full.col_unlicensed[gi]
                    out[col] += take
                    pool[slot] -= take
                    need -= take
                if pool[slot] == 0:
                    slot += 1
    return out
