"""Probability distributions of a sweep spec, and the seeded draws that sample them.

A distribution is written in the spec as a bare number (always that value) or a mapping
with ``dist`` and its parameters:

==============  ============================  ==============================================
``dist``        parameters                    draws
==============  ============================  ==============================================
``fixed``       ``value``                     always ``value``
``uniform``     ``low``, ``high``             any value in [low, high], equally likely
``triangular``  ``low``, ``mode``, ``high``   in [low, high], most likely ``mode``
``normal``      ``mean``, ``sd``;             bell curve; values past ``min``/``max`` are set
                optional ``min``, ``max``     to the bound (clipped)
``beta``        ``a``, ``b``; optional        ``low + (high - low) * Beta(a, b)``, for shares
                ``low`` (0), ``high`` (1)
``choice``      ``values``; optional          one of ``values``, with probabilities
                ``weights``                   proportional to ``weights`` (equal by default)
==============  ============================  ==============================================

Reproducibility: the value of parameter ``path`` in draw ``i`` of a sweep seeded by ``S``
comes from its own generator, ``numpy.random.default_rng(SeedSequence(S, spawn_key=(i,
crc32(path))))``. So the same seed gives the same draws on every engine and any number
of workers, draw ``i`` does not depend on how many draws are made, and adding, removing
or changing one parameter leaves the others' values unchanged.
"""
from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Problems = list[tuple[str, str]]
"""(key path, message) pairs found while reading a distribution."""


@dataclass(frozen=True)
class Distribution:
    """One distribution: its kind and parameters (validated by :func:`parse_distribution`).

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    params : tuple of (str, object)
        The parameters by name; ``choice`` holds tuples of values and weights.
    """

    kind: str
    params: tuple[tuple[str, Any], ...]

    def get(self, name: str, default: Any = None) -> Any:
        """The parameter ``name`` (``default`` when it was not given)."""
        return dict(self.params).get(name, default)

    def support(self) -> tuple[float, float]:
        """The smallest and largest value a draw can take (infinite when unbounded)."""
        return _SUPPORT[self.kind](self)

    def draw(self, rng: np.random.Generator) -> float:
        """One value drawn with ``rng``."""
        return float(_DRAW[self.kind](self, rng))

    def describe(self) -> str:
        """The distribution as text, e.g. ``uniform(low=25, high=32)``."""
        args = ", ".join(f"{k}={_text(v)}" for k, v in self.params)
        return f"{self.kind}({args})"


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return f"{value:g}"


def _beta_support(d: Distribution) -> tuple[float, float]:
    return d.get("low", 0.0), d.get("high", 1.0)


def _draw_choice(d: Distribution, rng: np.random.Generator) -> float:
    values, weights = d.get("values"), d.get("weights")
    p = None if weights is None else np.asarray(weights) / sum(weights)
    return values[int(rng.choice(len(values), p=p))]


def _draw_normal(d: Distribution, rng: np.random.Generator) -> float:
    value = rng.normal(d.get("mean"), d.get("sd"))
    return min(max(value, d.get("min", -math.inf)), d.get("max", math.inf))


_SUPPORT: dict[str, Callable[[Distribution], tuple[float, float]]] = {
    "fixed": lambda d: (d.get("value"), d.get("value")),
    "uniform": lambda d: (d.get("low"), d.get("high")),
    "triangular": lambda d: (d.get("low"), d.get("high")),
    "normal": lambda d: (d.get("min", -math.inf), d.get("max", math.inf)),
    "beta": _beta_support,
    "choice": lambda d: (min(d.get("values")), max(d.get("values"))),
}

_DRAW: dict[str, Callable[[Distribution, np.random.Generator], float]] = {
    "fixed": lambda d, rng: d.get("value"),
    "uniform": lambda d, rng: rng.uniform(d.get("low"), d.get("high")),
    "triangular": lambda d, rng: (d.get("low") if d.get("low") == d.get("high") else
                                  rng.triangular(d.get("low"), d.get("mode"), d.get("high"))),
    "normal": _draw_normal,
    "beta": lambda d, rng: d.get("low", 0.0) + (d.get("high", 1.0) - d.get("low", 0.0))
    * rng.beta(d.get("a"), d.get("b")),
    "choice": _draw_choice,
}

REQUIRED = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "beta": ("a", "b"),
    "choice": ("values",),
}
"""Parameters each kind needs."""

OPTIONAL = {"normal": ("min", "max"), "beta": ("low", "high"), "choice": ("weights",)}
"""Parameters each kind may have."""

KINDS = tuple(REQUIRED)
"""The distribution kinds a spec may name."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _numbers(value: Any) -> tuple[float, ...] | None:
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)) or not value:
        return None
    out = [_number(v) for v in value]
    return tuple(v for v in out if v is not None) if all(v is not None for v in out) else None


def _check_order(kind: str, p: dict[str, Any]) -> list[tuple[str, str]]:
    """(parameter, message) for parameters that are numbers but inconsistent."""
    out = []

    def before(lo: str, hi: str, strict: bool = False) -> None:
        if lo in p and hi in p and (p[lo] > p[hi] or (strict and p[lo] == p[hi])):
            relation = "less than" if strict else "at most"
            out.append((lo, f"must be {relation} {hi} (got {p[lo]:g} and {p[hi]:g})"))

    if kind in ("uniform", "triangular"):
        before("low", "high")
    if kind == "triangular":
        before("low", "mode")
        before("mode", "high")
    if kind == "normal":
        before("min", "max", strict=True)
    if kind == "beta":
        before("low", "high", strict=True)
    for name in ("sd", "a", "b"):
        if name in p and p[name] <= 0:
            out.append((name, f"must be greater than 0 (got {p[name]:g})"))
    if kind == "choice" and "weights" in p:
        weights, values = p["weights"], p.get("values", ())
        if len(weights) != len(values):
            out.append(("weights", (f"needs one weight per value ({len(values)} values, "
                                   f"{len(weights)} weights)")))
        elif min(weights) < 0 or sum(weights) <= 0:
            out.append(("weights", "must be 0 or more and not all 0"))
    return out


def parse_distribution(value: Any, path: str) -> tuple[Distribution | None, Problems]:
    """Read one distribution written in a spec (a number or a ``dist`` mapping).

    Parameters
    ----------
    value : object
        What the YAML holds at ``path``.
    path : str
        Its key path, e.g. ``prices.copilot.unit_price``, used in every message.

    Returns
    -------
    (Distribution or None, list of (key path, message))
        The distribution when it is valid, else None and one problem per mistake.
    """
    number = _number(value)
    if number is not None:
        return Distribution("fixed", (("value", number),)), []
    if not isinstance(value, Mapping):
        return None, [(path, (f"must be a number or a distribution such as "
                             f"{{dist: uniform, low: 1, high: 2}} (got {value!r})"))]
    kind = value.get("dist")
    if kind not in REQUIRED:
        got = "nothing" if kind is None else repr(kind)
        return None, [(f"{path}.dist", f"must be one of {', '.join(KINDS)} (got {got})")]
    allowed = ("dist",) + REQUIRED[kind] + OPTIONAL.get(kind, ())
    problems: Problems = []
    for key in value:
        if key not in allowed:
            problems.append((f"{path}.{key}", (f"is not a parameter of {kind} (its parameters: "
                                              f"{', '.join(allowed[1:])})")))
    params: dict[str, Any] = {}
    for name in allowed[1:]:
        if name not in value:
            if name in REQUIRED[kind]:
                problems.append((f"{path}.{name}", (f"is missing ({kind} needs "
                                                   f"{', '.join(REQUIRED[kind])})")))
            continue
        listed = name in ("values", "weights")
        parsed = _numbers(value[name]) if listed else _number(value[name])
        if parsed is None:
            what = "a list of numbers" if listed else "a number"
            problems.append((f"{path}.{name}", f"must be {what} (got {value[name]!r})"))
        else:
            params[name] = parsed
    problems += [(f"{path}.{name}", message) for name, message in _check_order(kind, params)]
    if problems:
        return None, problems
    return Distribution(kind, tuple((k, params[k]) for k in allowed[1:] if k in params)), []


def check_range(dist: Distribution, path: str, low: float, high: float,
                what: str) -> Problems:
    """A problem when ``dist`` can draw values outside [``low``, ``high``].

    Parameters
    ----------
    dist : Distribution
        The distribution to check.
    path : str
        Its key path (for the message).
    low, high : float
        The range the target accepts (``math.inf`` for no upper bound).
    what : str
        The target's range in words, e.g. ``"a share between 0 and 1"``.
    """
    lo, hi = dist.support()
    if lo >= low and hi <= high:
        return []
    fix = " (give min and max)" if dist.kind == "normal" else ""
    shown = f"[{lo:g}, {hi:g}]"
    return [(path, f"must be {what}, but {dist.describe()} can draw values in {shown}{fix}")]


def draw_values(parameters: Sequence[tuple[str, Distribution]], draws: int,
                seed: int) -> list[dict[str, float]]:
    """The values of every parameter in each of ``draws`` draws, reproducibly.

    Parameters
    ----------
    parameters : list of (key path, Distribution)
        What to draw (see :meth:`planner.batch.spec.SweepSpec.parameters`).
    draws : int
        How many draws.
    seed : int
        The seed (0 or more); see the module docstring for how each value is derived.

    Returns
    -------
    list of dict
        One ``{key path: value}`` per draw.

    Examples
    --------
    >>> d = Distribution("uniform", (("low", 0.0), ("high", 1.0)))
    >>> draw_values([("x", d)], 3, seed=7) == draw_values([("x", d)], 3, seed=7)
    True
    >>> draw_values([("x", d)], 2, seed=7) == draw_values([("x", d)], 3, seed=7)[:2]
    True
    """
    keys = {path: zlib.crc32(path.encode()) for path, _ in parameters}
    return [{path: dist.draw(np.random.default_rng(np.random.SeedSequence(
                 seed, spawn_key=(i, keys[path]))))
             for path, dist in parameters}
            for i in range(draws)]
