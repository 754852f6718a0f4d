"""Many organizations and Monte Carlo sweeps, on a local process pool or a Ray cluster.

==========================  ==============================================================
:func:`run`                 plan many workbooks: plan + JSON per input, a summary table
:func:`monte_carlo`         plan one organization under many random draws of its inputs
:func:`write_sweep`         the sweep's table of draws and its summary workbook
:func:`read_spec`           read and check a sweep spec (YAML)
:func:`make_engine`         ``local`` (process pool, default), ``ray`` or ``serial``
==========================  ==============================================================

Modules: :mod:`~planner.batch.engines` (where work runs), :mod:`~planner.batch.worker`
(what runs there), :mod:`~planner.batch.runner` (``planner batch``),
:mod:`~planner.batch.sources` (which files), :mod:`~planner.batch.spec`,
:mod:`~planner.batch.distributions` and :mod:`~planner.batch.draws` (the sweep spec and
its draws), :mod:`~planner.batch.montecarlo`, :mod:`~planner.batch.fields` (the result
columns), :mod:`~planner.batch.writers` and :mod:`~planner.batch.sweep_report` (files),
:mod:`~planner.batch.progress`.

Examples
--------
>>> from planner.batch import monte_carlo, run
>>> from planner.examples import example_path, tiny_org
>>> run([example_path("tiny")], engine="serial")["status"].tolist()
['optimal']
>>> spec = {"discount_pct": {"dist": "uniform", "low": 0, "high": 20}}
>>> draws = monte_carlo(tiny_org(), spec, draws=2, seed=1, engine="serial")
>>> draws[["draw", "status"]].values.tolist()
[[0, 'optimal'], [1, 'optimal']]
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ENGINES": "engines", "Engine": "engines", "LocalEngine": "engines", "RayEngine": "engines",
    "SerialEngine": "engines", "make_engine": "engines", "monte_carlo": "montecarlo",
    "SUMMARY_COLUMNS": "runner", "exit_code": "runner", "run": "runner",
    "SweepSpec": "spec", "parse_spec": "spec", "read_spec": "spec",
    "write_sweep": "sweep_report",
}
"""Public name -> submodule; imported on first use, so ``planner --help`` stays fast."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'planner.batch' has no attribute '{name}'"
        raise AttributeError(msg)
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = [  # noqa: RUF022  (the order of _EXPORTS)
    "ENGINES", "Engine", "LocalEngine", "RayEngine", "SUMMARY_COLUMNS", "SerialEngine",
    "SweepSpec", "exit_code", "make_engine", "monte_carlo", "parse_spec", "read_spec", "run",
    "write_sweep",
]
