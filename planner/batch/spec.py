"""The sweep spec (SPEC.yaml): what a Monte Carlo sweep varies, read and checked.

A spec is a small YAML mapping; every key is optional but at least one must vary
something. Values are distributions (:mod:`planner.batch.distributions`)::

    description: Copilot adoption and price uncertainty for next year
    discount_pct: {dist: uniform, low: 0, high: 10}        # [%] on every list price
    prices:                                                # per product, one of:
      copilot:
        unit_price: {dist: uniform, low: 25, high: 32}     # [currency/unit/month]
      m365_e5:
        change_pct: {dist: triangular, low: 0, mode: 3, high: 10}   # [%] on today's price
    growth:                                                # headcount change, fraction
      "*": {dist: normal, mean: 0.03, sd: 0.02, min: -0.1, max: 0.2}  # every other group
      office: 0.10
    adoption:                                              # a share of a group adopts
      - group: office
        share: {dist: beta, a: 2, b: 5}                    # fraction in [0, 1]
        add_needs: [copilot]
        name: office_copilot                               # default: <group>_adopters

Each draw applies, in this order: the discount; the prices (a drawn ``unit_price`` or
``change_pct`` becomes a Prices-sheet row for the product, so it replaces the list price
and the discount for that product; ``change_pct`` is relative to the price the plan
would otherwise pay); the headcount growth (``users * (1 + growth)``, rounded); then the
adoption splits (:func:`planner.explore.split_group` of the grown group; a later entry
for the same group splits the users left in it).

Problems are reported like a workbook's: all at once, one line each, naming the file,
the line and the key path, exit code 2.
"""
from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from planner.catalog.load import Catalog
from planner.errors import InputError, Issue
from planner.input.organization import OrgInputs
from planner.batch.distributions import Distribution, Problems, check_range, parse_distribution

TOP_KEYS = ("description", "discount_pct", "prices", "growth", "adoption")
"""Keys a spec may have."""

PRICE_FORMS = ("unit_price", "change_pct")
"""How a product's price may vary."""

ADOPTION_KEYS = ("group", "share", "add_needs", "name")
"""Keys of one adoption entry."""

ALL_GROUPS = "*"
"""Growth key for every group not named on its own."""

MAX_SPEC_BYTES = 2**20

RANGES: dict[str, tuple[float, float, str]] = {
    "discount_pct": (0.0, 100.0, "a percentage between 0 and 100"),
    "unit_price": (0.0, math.inf, "a price of 0 or more"),
    "change_pct": (-100.0, math.inf, "a change of -100 % or more"),
    "growth": (-1.0, math.inf, "a growth of -1 (everyone leaves) or more"),
    "share": (0.0, 1.0, "a share between 0 and 1"),
}
"""What values each kind of target accepts: (low, high, in words)."""


@dataclass(frozen=True)
class PriceChange:
    """A product whose price varies: as a drawn unit price or a drawn change [%]."""

    product: str
    form: str
    dist: Distribution

    @property
    def column(self) -> str:
        """Its column in the draws table."""
        return f"prices.{self.product}.{self.form}"


@dataclass(frozen=True)
class Adoption:
    """A share of ``group`` that moves to the new group ``name`` needing ``add_needs``."""

    group: str
    share: Distribution
    add_needs: tuple[str, ...]
    name: str
    path: str

    @property
    def column(self) -> str:
        """Its column in the draws table."""
        return f"adoption.{self.name}.share"


@dataclass(frozen=True)
class SweepSpec:
    """A parsed, checked sweep spec (see the module docstring for the format).

    Attributes
    ----------
    source : str
        The file name it was read from (blank when built in code).
    description : str
        Free text.
    discount : Distribution or None
        Discount on every list price [%].
    prices : tuple of PriceChange
    growth : tuple of (group or ``"*"``, Distribution)
        Headcount growth [fraction].
    adoption : tuple of Adoption
    lines : tuple of (key path, line)
        Where each key is in the file, for messages.
    """

    source: str = ""
    description: str = ""
    discount: Distribution | None = None
    prices: tuple[PriceChange, ...] = ()
    growth: tuple[tuple[str, Distribution], ...] = ()
    adoption: tuple[Adoption, ...] = ()
    lines: tuple[tuple[str, int], ...] = ()

    def parameters(self) -> list[tuple[str, Distribution]]:
        """Every drawn parameter as (draws-table column, distribution), in draw order."""
        out = [("discount_pct", self.discount)] if self.discount is not None else []
        out += [(p.column, p.dist) for p in self.prices]
        out += [(f"growth.{g}", d) for g, d in self.growth]
        out += [(a.column, a.share) for a in self.adoption]
        return out

    def issue(self, path: str, message: str) -> Issue:
        """An :class:`Issue` naming this spec's file, the line of ``path`` and ``path``."""
        return _issue(self.source, dict(self.lines), path, message)


def _issue(source: str, lines: dict[str, int], path: str, message: str) -> Issue:
    """An issue naming the file and the line of ``path`` (or of its nearest parent key)."""
    probe, line = path, None
    while line is None and probe:
        line = lines.get(probe)
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    line = line or lines.get("")
    where = ", ".join(x for x in (source, f"line {line}" if line else "") if x)
    return Issue(f"{path}: {message}" if path else message, where)


def _did_you_mean(key: Any, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _key_lines(node: yaml.Node, path: str = "", out: dict[str, int] | None = None
               ) -> dict[str, int]:
    """Key path -> 1-based line of each value in a composed YAML tree."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            out[sub] = key.start_mark.line + 1
            _key_lines(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            sub = f"{path}[{i}]"
            out[sub] = value.start_mark.line + 1
            _key_lines(value, sub, out)
    return out


def _load_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """The YAML document and its key lines; anchors/aliases and several documents refused."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise InputError(_issue(source, {"": token.start_mark.line + 1}, "",
                                        "anchors and aliases (& and *) are not supported; "
                                        "write each value out"))
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        lines = {"": mark.line + 1} if mark is not None else {}
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(_issue(source, lines, "", f"not valid YAML: {problem}")) from None
    if len(nodes) > 1:
        raise InputError(_issue(source, {}, "", "holds several YAML documents (---); "
                                                "a spec is one mapping"))
    data = yaml.safe_load(text) if nodes else None
    return data, _key_lines(nodes[0]) if nodes else {}


def read_spec(path: str | os.PathLike) -> SweepSpec:
    """Read and check a sweep spec file (its format is in the module docstring).

    Parameters
    ----------
    path : str or path-like
        The YAML file.

    Returns
    -------
    SweepSpec

    Raises
    ------
    InputError
        Listing every problem, each naming the file, line and key path.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError(Issue("file not found", name))
    if path.is_dir():
        raise InputError(Issue("is a folder, not a YAML sweep spec", name))
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise InputError(Issue("is over 1 MB; a sweep spec is a few lines of YAML", name))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(Issue("is not UTF-8 text; save the spec as plain text", name)) from None
    data, lines = _load_yaml(text, name)
    return parse_spec(data, source=name, lines=lines)


def parse_spec(data: Any, source: str = "", lines: Mapping[str, int] | None = None) -> SweepSpec:
    """Check a spec given as plain data (what the YAML file holds).

    Parameters
    ----------
    data : dict
        The spec mapping (see the module docstring).
    source : str, optional
        File name for messages.
    lines : dict, optional
        Key path -> line, for messages.

    Returns
    -------
    SweepSpec

    Raises
    ------
    InputError
        Listing every problem, one line each with its key path.

    Examples
    --------
    >>> spec = parse_spec({"discount_pct": {"dist": "uniform", "low": 0, "high": 10}})
    >>> [column for column, _ in spec.parameters()]
    ['discount_pct']
    """
    lines = dict(lines or {})
    problems: Problems = []
    if not isinstance(data, Mapping):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise InputError(_issue(source, lines, "", f"must be a mapping of {', '.join(TOP_KEYS)} "
                                                   f"(got {got})"))
    for key in data:
        if key not in TOP_KEYS:
            problems.append((str(key), (f"unknown key{_did_you_mean(key, TOP_KEYS)} (known: "
                                       f"{', '.join(TOP_KEYS)})")))
    description = data.get("description") or ""
    if not isinstance(description, str):
        problems.append(("description", "must be text"))
    discount = _ranged(data, "discount_pct", "discount_pct", problems)
    spec = SweepSpec(
        source=source, description=str(description), discount=discount,
        prices=_prices(data.get("prices"), problems),
        growth=_growth(data.get("growth"), problems),
        adoption=_adoptions(data.get("adoption"), problems),
        lines=tuple(lines.items()),
    )
    if not problems and not spec.parameters():
        problems.append(("", ("varies nothing; give at least one of discount_pct, prices, "
                             "growth or adoption")))
    if problems:
        raise InputError([spec.issue(path, message) for path, message in problems])
    return spec


def _ranged(holder: Mapping, key: str, path: str, problems: Problems,
            kind: str | None = None) -> Distribution | None:
    """The distribution at ``holder[key]``, checked against its target's range."""
    if key not in holder:
        return None
    dist, found = parse_distribution(holder[key], path)
    problems += found
    if dist is None:
        return None
    low, high, what = RANGES[kind or key]
    bad = check_range(dist, path, low, high, what)
    problems += bad
    return None if bad else dist


def _mapping(value: Any, path: str, problems: Problems, what: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append((path, f"must be a mapping of {what} (got {value!r})"))
        return {}
    return value


def _prices(value: Any, problems: Problems) -> tuple[PriceChange, ...]:
    out = []
    for product, entry in _mapping(value, "prices", problems, "product id -> price").items():
        path = f"prices.{product}"
        if not isinstance(entry, Mapping) or len(entry) != 1 or next(iter(entry)) not in PRICE_FORMS:
            problems.append((path, ("must have exactly one of unit_price [currency/unit/month] "
                                   "or change_pct [%], e.g. {unit_price: {dist: uniform, "
                                   "low: 25, high: 32}}")))
            continue
        form = next(iter(entry))
        dist = _ranged(entry, form, f"{path}.{form}", problems)
        if dist is not None:
            out.append(PriceChange(str(product), form, dist))
    return tuple(out)


def _growth(value: Any, problems: Problems) -> tuple[tuple[str, Distribution], ...]:
    out = []
    for group, entry in _mapping(value, "growth", problems, "group name -> growth").items():
        dist = _ranged({"g": entry}, "g", f"growth.{group}", problems, kind="growth")
        if dist is not None:
            out.append((str(group), dist))
    return tuple(out)


def _adoptions(value: Any, problems: Problems) -> tuple[Adoption, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(("adoption", ("must be a list of entries, each with group, share and "
                                     "add_needs")))
        return ()
    out: list[Adoption] = []
    for i, entry in enumerate(value):
        path = f"adoption[{i}]"
        if not isinstance(entry, Mapping):
            problems.append((path, "must be a mapping with group, share and add_needs"))
            continue
        found: Problems = []
        for key in entry:
            if key not in ADOPTION_KEYS:
                found.append((f"{path}.{key}", (f"unknown key{_did_you_mean(key, ADOPTION_KEYS)}"
                                               f" (known: {', '.join(ADOPTION_KEYS)})")))
        group = entry.get("group")
        if not isinstance(group, str) or not group.strip():
            found.append((f"{path}.group", "must name a group of the organization"))
        needs = entry.get("add_needs")
        if isinstance(needs, str):
            needs = [n.strip() for n in needs.split(",") if n.strip()]
        if not isinstance(needs, list) or not needs or not all(isinstance(n, str) for n in needs):
            found.append((f"{path}.add_needs", ("must list the need or profile ids the adopters "
                                               "add, e.g. [copilot]")))
        name = entry.get("name", f"{group}_adopters" if isinstance(group, str) else None)
        if not isinstance(name, str) or not name.strip():
            found.append((f"{path}.name", "must be the new group's name"))
        elif any(a.name == name for a in out):
            found.append((f"{path}.name", (f"'{name}' is already the name of another adoption "
                                          "entry; give each its own name")))
        if "share" not in entry:
            found.append((f"{path}.share", "is missing (the fraction of the group that adopts)"))
        share = _ranged(entry, "share", f"{path}.share", found) if "share" in entry else None
        problems += found
        if (not found and share is not None and isinstance(group, str)
                and isinstance(name, str) and isinstance(needs, list)):
            out.append(Adoption(group.strip(), share, tuple(needs), name.strip(), path))
    return tuple(out)


def check_spec(spec: SweepSpec, inputs: OrgInputs, catalog: Catalog, at: str) -> None:
    """Check that a spec fits an organization: its products, groups and needs exist.

    Parameters
    ----------
    spec : SweepSpec
    inputs : OrgInputs
        The organization the sweep varies.
    catalog : Catalog
    at : str
        The planning point (prices of ``change_pct`` entries are read at it).

    Raises
    ------
    InputError
        Every problem, one line each with the spec's file, line and key path.
    """
    from planner.catalog.pricing import Pricing

    problems: Problems = []
    groups = [g.name for g in inputs.groups]
    pricing = None
    for p in spec.prices:
        path = f"prices.{p.product}"
        if p.product not in catalog.items:
            close = catalog.suggest(p.product, "product")
            hint = f"; did you mean '{close}'?" if close else ""
            problems.append((path, f"unknown product id '{p.product}'{hint}"))
            continue
        if p.form == "change_pct":
            pricing = pricing or Pricing.for_plan(inputs, catalog, at)
            if pricing.buy_price(p.product) is None:
                problems.append((path, (f"{p.product} has no price to change for this "
                                       "organization (not sold under its agreement or not on "
                                       "its price list); give unit_price instead")))
    for group, _ in spec.growth:
        if group != ALL_GROUPS and group not in groups:
            problems.append((f"growth.{group}", (f"unknown group '{group}'"
                                                f"{_did_you_mean(group, groups)} (groups: "
                                                f"{', '.join(groups)}; \"*\" for all others)")))
    pool = set(catalog.needs.index) | set(catalog.profiles)
    for a in spec.adoption:
        if a.group not in groups:
            problems.append((f"{a.path}.group", (f"unknown group '{a.group}'"
                                                f"{_did_you_mean(a.group, groups)} (groups: "
                                                f"{', '.join(groups)})")))
        if a.name in groups:
            problems.append((f"{a.path}.name", (f"'{a.name}' is already a group of the "
                                               "organization; give the adopters a new name")))
        for need in a.add_needs:
            if need not in pool:
                close = catalog.suggest(need, "need")
                hint = f"; did you mean '{close}'?" if close else ""
                problems.append((f"{a.path}.add_needs", (f"unknown need or profile id "
                                                        f"'{need}'{hint}")))
    if problems:
        raise InputError([spec.issue(path, message) for path, message in problems])
