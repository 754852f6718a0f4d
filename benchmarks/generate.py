"""Synthetic organizations for the benchmarks: reproducible, realistic, any size.

``synthetic_org(users, personas, holdings, seed)`` draws an :class:`~planner.input.organization.OrgInputs`
from a seeded ``numpy`` generator, so the same arguments always give the same organization:

- persona sizes: log-normal shares of ``users`` (a few large personas, many small ones),
  every persona at least one user when ``users >= personas``;
- worker kind: about 30% of personas are frontline;
- primary device: information workers mostly ``windows_pro`` (55%) or
  ``windows_enterprise`` (25%), else ``other`` (15%) or ``none`` (5%); frontline workers
  mostly ``other``/``none``; ``devices_per_user`` 1-3;
- needs: a catalog profile (``m365_e3_equivalent``, ``m365_e5_equivalent``,
  ``o365_e3_equivalent``, ``desktop_platform`` for information workers;
  ``frontline_basic``, ``frontline_office`` for frontline workers) plus random extras
  (``copilot``, ``vdi``, ``entra_suite``, ``agent_governance``, ``onprem_server_access``).
  Profiles that contain Windows Enterprise per user are only drawn for personas with a
  qualifying primary device, so every generated organization has a compliant plan;
- holdings: M365 E3/E5 and Office 365 E3 subscriptions, Copilot, Professional Desktop
  and Core CAL Suite with SA (some without SA), some assigned to one persona, most
  pooled; most end at the renewal date (running at ``as_of``), some already ended
  (a renewal choice);
- organization: EA, ``as_of`` 2026-11-23, ``renewal_date`` 2027-06-30.

``write_org_xlsx(inputs, path)`` writes it as an ORG.xlsx in the format of docs/nomenclature.md, so the CLI
can read it back with :func:`planner.input.validate.read_org`.

Run ``python -m benchmarks.generate 250000 2000 20 --seed 1 -o org.xlsx`` to write one.
"""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from dataclasses import replace

import numpy as np

from planner.input.organization import Group, Holding, Organization, OrgInputs

AS_OF = date(2026, 11, 23)
RENEWAL = date(2027, 6, 30)
ENDED = date(2026, 6, 30)  # an expired term: keeping it is a renewal choice

INFO_PROFILES = ("m365_e3_equivalent", "m365_e5_equivalent", "o365_e3_equivalent", "desktop_platform")
INFO_WEIGHTS = (0.45, 0.25, 0.20, 0.10)
FRONTLINE_PROFILES = ("frontline_basic", "frontline_office")
# Extra needs and the share of information personas that have each.
EXTRAS = {"copilot": 0.20, "vdi": 0.10, "entra_suite": 0.10, "agent_governance": 0.05,
          "onprem_server_access": 0.15}
INFO_DEVICES = (("windows_pro", 0.55), ("windows_enterprise", 0.25), ("other", 0.15), ("none", 0.05))
FRONTLINE_DEVICES = (("windows_pro", 0.15), ("windows_enterprise", 0.05), ("other", 0.55), ("none", 0.25))
# Holding kinds: (product, share of the users it covers, SA, chance of being group-assigned).
HOLDING_KINDS = (
    ("m365_e3", 0.30, False, 0.2),
    ("m365_e5", 0.15, False, 0.2),
    ("o365_e3", 0.15, False, 0.2),
    ("copilot", 0.05, False, 0.5),
    ("professional_desktop", 0.30, True, 0.0),
    ("core_cal_suite", 0.30, True, 0.0),
    ("professional_desktop", 0.05, False, 0.0),  # perpetual, no SA
    ("core_cal_suite", 0.05, False, 0.0),
)
WINDOWS_ENTERPRISE_PROFILES = ("m365_e3_equivalent", "m365_e5_equivalent", "desktop_platform")


def _sizes(rng: np.random.Generator, users: int, personas: int) -> list[int]:
    """Log-normal shares of ``users`` over ``personas``, each >= 1 when possible."""
    if personas <= 0:
        return []
    weights = rng.lognormal(0.0, 1.0, personas)
    base = 1 if users >= personas else 0
    rest = users - base * personas
    raw = weights / weights.sum() * rest
    sizes = np.floor(raw).astype(int)
    # Hand the rounding remainder to the largest fractional parts (deterministic).
    short = rest - int(sizes.sum())
    if short:
        order = np.argsort(-(raw - sizes), kind="stable")[:short]
        sizes[order] += 1
    return [int(s) + base for s in sizes]


def _pick(rng: np.random.Generator, table) -> str:
    names = [n for n, _ in table]
    probs = np.array([p for _, p in table], dtype=float)
    return names[int(rng.choice(len(names), p=probs / probs.sum()))]


def _persona(rng: np.random.Generator, index: int, users: int) -> Group:
    frontline = rng.random() < 0.30
    if frontline:
        device = _pick(rng, FRONTLINE_DEVICES)
        needs = [FRONTLINE_PROFILES[int(rng.integers(2))]]
        if rng.random() < 0.05:
            needs.append("onprem_server_access")
    else:
        device = _pick(rng, INFO_DEVICES)
        profile = INFO_PROFILES[int(rng.choice(len(INFO_PROFILES), p=INFO_WEIGHTS))]
        if device not in ("windows_pro", "windows_enterprise") and profile in WINDOWS_ENTERPRISE_PROFILES:
            profile = "o365_e3_equivalent"  # no Windows Enterprise per user without a qualifying OS
        needs = [profile]
        for extra, share in EXTRAS.items():
            if rng.random() < share and not (extra == "copilot" and profile == "desktop_platform"):
                needs.append(extra)
    worker = "frontline" if frontline else "information"
    return Group(name=f"{worker[:4]}_{index:05d}", users=users, worker=worker,
                 devices_per_user=int(rng.integers(1, 4)), primary_device=device,
                 needs=tuple(needs), notes="synthetic")


def synthetic_org(users: int, personas: int, holdings: int, seed: int = 0,
                  name: str | None = None) -> OrgInputs:
    """A reproducible synthetic organization (see the module docstring).

    Parameters
    ----------
    users : int
        Total headcount, spread over the personas.
    personas : int
        Number of groups.
    holdings : int
        Number of Holdings rows.
    seed : int
        Seed of the ``numpy`` generator; same arguments, same organization.
    """
    # Headcount is not in the seed: the same personas at 10x users differ only in size.
    rng = np.random.default_rng([seed, personas, holdings])
    sizes = _sizes(rng, users, personas)
    groups = tuple(_persona(rng, i, n) for i, n in enumerate(sizes))
    held: list[Holding] = []
    for i in range(holdings):
        product, share, sa, assigned = HOLDING_KINDS[i % len(HOLDING_KINDS)] if i < len(HOLDING_KINDS) \
            else HOLDING_KINDS[int(rng.integers(len(HOLDING_KINDS)))]
        group = None
        if groups and rng.random() < assigned:
            group = groups[int(rng.integers(len(groups)))]
            quantity = max(1, int(group.users * rng.uniform(0.3, 1.0)))
        else:
            quantity = max(1, int(users * share * rng.uniform(0.5, 1.0) / max(1, 1 + i // len(HOLDING_KINDS))))
        on_prem = product in ("professional_desktop", "core_cal_suite")
        ends = RENEWAL if rng.random() < 0.8 else ENDED
        if on_prem and not sa:
            ends = None
        held.append(Holding(product=product, quantity=quantity, group=group.name if group else None,
                            sa=sa, ends=ends, paid_up=bool(on_prem and sa and rng.random() < 0.5)))
    if not any(h.product == "professional_desktop" for h in held):
        # An EA adds a first desktop platform only at renewal or in a new enrollment, so a
        # persona on the platform needs an organization that holds one.
        groups = tuple(replace(g, needs=tuple("o365_e3_equivalent" if n == "desktop_platform" else n
                                              for n in g.needs)) for g in groups)
    org = Organization(name=name or f"Synthetic {users} users / {personas} personas (seed {seed})",
                       agreement="EA", as_of=AS_OF, renewal_date=RENEWAL)
    return OrgInputs(org=org, groups=groups, holdings=tuple(held), source=f"synthetic-{seed}")


GROUP_COLUMNS = ["group", "users", "worker", "devices_per_user", "primary_device", "needs", "notes"]
HOLDING_COLUMNS = ["product", "quantity", "group", "sa", "ends", "paid_up"]


def write_org_xlsx(inputs: OrgInputs, path: str | Path) -> Path:
    """Write ``inputs`` as an ORG.xlsx in the format of docs/nomenclature.md (Organization, Groups, Holdings)."""
    import openpyxl

    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Organization"
    ws.append(["field", "value"])
    o = inputs.org
    for key, value in (("name", o.name), ("currency", o.currency), ("agreement", o.agreement),
                       ("renewal_date", o.renewal_date), ("as_of", o.as_of)):
        if value is not None:
            ws.append([key, value])
    ws = wb.create_sheet("Groups")
    ws.append(GROUP_COLUMNS)
    for g in inputs.groups:
        ws.append([g.name, g.users, g.worker, g.devices_per_user, g.primary_device,
                   ", ".join(g.needs), g.notes])
    ws = wb.create_sheet("Holdings")
    ws.append(HOLDING_COLUMNS)
    for h in inputs.holdings:
        ws.append([h.product, h.quantity, h.group, "Y" if h.sa else "N", h.ends,
                   "Y" if h.paid_up else "N"])
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main(argv=None) -> None:
    """Command line: write one synthetic ORG.xlsx."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("users", type=int)
    ap.add_argument("personas", type=int)
    ap.add_argument("holdings", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--out", default="synthetic-org.xlsx")
    args = ap.parse_args(argv)
    write_org_xlsx(synthetic_org(args.users, args.personas, args.holdings, args.seed), args.out)


if __name__ == "__main__":
    main()
