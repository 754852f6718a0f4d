"""Monte Carlo sweeps: plan an organization under many draws of uncertain inputs.

:func:`monte_carlo` reads the organization and the spec, draws every parameter up front
(:func:`planner.batch.draws.make_draws`), plans each draw on an engine and returns one
row per draw. The same seed gives the same table on every engine and for any number of
workers; only the ``seconds`` column (wall time) differs between runs.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from planner.catalog.load import Catalog, load_catalog
from planner.input.organization import OrgInputs
from planner.batch.draws import DRAW_COLUMN, make_draws
from planner.batch.engines import Engine, WorkerLost, chunked, make_engine
from planner.batch.fields import PER_ORGANIZATION, PLAN_FIELDS, RUN_COLUMNS, lost_values, skipped_values
from planner.model.deadline import Deadline
from planner.batch.progress import Reporter
from planner.batch.spec import SweepSpec, check_spec, parse_spec, read_spec
from planner.batch.worker import DrawJob, PlanSettings, plan_draws

RESULT_COLUMNS = ([f.column for f in PLAN_FIELDS if f.column not in PER_ORGANIZATION]
                  + [c for c in RUN_COLUMNS if c != "notes"])
"""Columns of a draw's result, after the draw's parameters (the plan's notes, the same in
every draw, are left out)."""


def _spec(spec: SweepSpec | Mapping | str | os.PathLike) -> SweepSpec:
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, Mapping):
        return parse_spec(spec)
    return read_spec(spec)


def monte_carlo(org: OrgInputs | str | os.PathLike, spec: SweepSpec | Mapping | str | os.PathLike,
                draws: int = 100, seed: int = 0, *, engine: str | Engine = "local",
                workers: int | None = None, address: str | None = None, at: str = "now",
                solver: str | None = None, time_limit: float | None = None,
                catalog: Catalog | None = None, progress: bool = False,
                chunk_size: int | None = None) -> pd.DataFrame:
    """Plan ``draws`` random variations of an organization: one row per draw.

    Parameters
    ----------
    org : OrgInputs or path-like
        The organization, or its workbook.
    spec : SweepSpec, dict or path-like
        What varies (the format is in :mod:`planner.batch.spec`): a YAML file, the same
        as a dict, or a parsed spec. Checked against the organization first.
    draws : int
        Number of draws (1 or more).
    seed : int
        Seed of the draws (0 or more): the same seed gives the same draws.
    engine : {"local", "ray", "serial"} or Engine
        Where to plan (:mod:`planner.batch.engines`); the results do not depend on it.
    workers, address
        As for :func:`planner.batch.run`.
    at, solver, time_limit
        As for :func:`planner.plan`; ``time_limit`` [s] covers the whole sweep: each
        chunk of draws gets what is left of it, and the draws of chunks not started
        once it is spent get status ``skipped`` (exit code 3, no values); draws are planned
        without per-group alternatives.
    catalog : Catalog, optional
        E.g. from :func:`planner.explore.catalog_without`; the shipped one by default.
    progress : bool
        Report progress on stderr (a bar on a terminal, a line per chunk otherwise).
    chunk_size : int, optional
        Draws per task.

    Returns
    -------
    pandas.DataFrame
        ``draw``, one column per drawn parameter, then :data:`RESULT_COLUMNS`
        (``status``, ``annual_cost``, ``baseline_annual_cost``, ``savings``, ...
        [currency/year], ``exit_code``, ``seconds``, ``error``). ``attrs``
        holds ``organization``, ``source_file``, ``spec_file``, ``description``,
        ``currency``, ``at``, ``draws``, ``seed`` and ``parameters`` (column ->
        distribution as text).

    Raises
    ------
    InputError
        A bad workbook or spec (every problem, one line each), an unknown engine, or Ray
        not available. A draw that cannot be planned is its row, never raised.

    Examples
    --------
    >>> from planner.examples import tiny_org
    >>> spec = {"adoption": [{"group": "office", "share": {"dist": "uniform", "low": 0,
    ...                                                    "high": 0.5},
    ...                       "add_needs": ["copilot"]}]}
    >>> table = monte_carlo(tiny_org(), spec, draws=3, seed=42, engine="serial", at="renewal")
    >>> list(table.columns[:3]), table["status"].unique().tolist()
    (['draw', 'adoption.office_adopters.share', 'status'], ['optimal'])
    >>> table.drop(columns="seconds").equals(monte_carlo(
    ...     tiny_org(), spec, draws=3, seed=42, engine="serial", at="renewal"
    ... ).drop(columns="seconds"))
    True
    """
    from planner.input.validate import read_org

    inputs = org if isinstance(org, OrgInputs) else read_org(org)
    spec = _spec(spec)
    check_spec(spec, inputs, catalog or load_catalog(), at)
    table = make_draws(spec, draws, seed)
    values = table.drop(columns=DRAW_COLUMN).to_dict(orient="records")
    settings = PlanSettings(at=at, solver=solver, time_limit=time_limit, alternatives=False)
    results: list[dict[str, Any] | None] = [None] * draws
    deadline = Deadline(time_limit)
    skipped: set[int] = set()

    def job(chunk: list[int]) -> DrawJob:
        # Each chunk gets what is left of the run's time limit; once it is spent the
        # chunk is sent empty and its draws are reported as skipped.
        if deadline.expired():
            skipped.update(chunk)
            return DrawJob(inputs, spec, settings, (), catalog)
        return DrawJob(inputs, spec, replace(settings, time_limit=deadline.remaining()),
                       tuple((i, values[i]) for i in chunk), catalog)

    with Reporter(draws, "drawing", show=progress) as bar, \
            make_engine(engine, workers, address) as eng:
        chunks = chunked(range(draws), eng.workers, chunk_size)
        for index, rows in eng.map(plan_draws, chunks, job):
            if isinstance(rows, WorkerLost):
                rows = [lost_values(rows.message()) for _ in chunks[index]]
            if chunks[index][0] in skipped:
                rows = [skipped_values(float(time_limit or 0)) for _ in chunks[index]]
            for i, row in zip(chunks[index], rows):
                results[i] = row
            failed = sum(row["exit_code"] != 0 for row in rows)
            first, last = chunks[index][0], chunks[index][-1]
            bar.advance(len(rows), f"draws {first}-{last}: {len(rows) - failed} planned"
                        + (f", {failed} without a plan" if failed else ""), failed > 0)
    out = pd.concat([table, pd.DataFrame(results, columns=RESULT_COLUMNS)], axis=1)
    out.attrs.update(organization=inputs.org.name, source_file=inputs.source,
                     spec_file=spec.source, description=spec.description,
                     currency=inputs.org.currency, at=at, draws=draws, seed=seed,
                     parameters={c: d.describe() for c, d in spec.parameters()})
    return out
