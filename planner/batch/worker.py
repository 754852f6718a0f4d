"""What runs inside a worker: plan a chunk of workbooks, or a chunk of sweep draws.

Tasks receive everything they need in their arguments (a workbook travels as its bytes
and comes back as the bytes of its plan workbook), so they run the same in this
process, in a local worker process or on a Ray node that shares no disk with the
caller. Only the caller writes files. A task never raises for one bad item: the item's
row says what went wrong.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.catalog.load import Catalog, load_catalog
from planner.input.organization import OrgInputs
from planner.batch.fields import PLAN_FIELDS, failure_values, plan_values
from planner.batch.spec import SweepSpec


def warm_up() -> None:
    """Run once in each new worker process: import the planner, load the catalog."""
    from planner import pipeline  # noqa: F401  (imports PuLP, pandas and the model once)

    load_catalog()


@dataclass(frozen=True)
class PlanSettings:
    """How each organization is planned (as ``planner solve``'s options).

    ``alternatives=None`` is :func:`planner.plan`'s default (computed for up to 40 groups).
    """

    at: str = "now"
    solver: str | None = None
    time_limit: float | None = None
    alternatives: bool | None = None

    def plan(self, inputs: OrgInputs, catalog: Catalog | None = None, **overrides):
        """:func:`planner.pipeline.plan` of ``inputs`` with these settings."""
        from planner.pipeline import plan

        options: dict[str, Any] = {"at": self.at, "solver": self.solver, "time_limit": self.time_limit,
                       "alternatives": self.alternatives, "catalog": catalog or load_catalog()}
        options.update(overrides)
        return plan(inputs, **options)


@dataclass(frozen=True)
class WorkbookJob:
    """One organization workbook to plan: its file name and bytes, the plan's file name."""

    name: str
    data: bytes
    plan_name: str
    settings: PlanSettings


@dataclass
class WorkbookOutcome:
    """What planning one workbook gave: its summary values, plan workbook and JSON result.

    ``result`` is the ``planner solve --json`` object (:meth:`Plan.to_json`) plus every
    summary column it lacks, so a resumed batch reads its summary row back whole.
    """

    values: dict[str, Any]
    plan: bytes | None = None
    result: dict[str, Any] | None = field(default=None)


def plan_workbook(job: WorkbookJob) -> WorkbookOutcome:
    """Read, plan and render one workbook; a failure becomes the outcome's values."""
    from planner.report.excel import write_plan
    from planner.input.validate import read_org

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planner-batch-") as tmp:
        source = Path(tmp) / "input" / job.name
        source.parent.mkdir()
        source.write_bytes(job.data)
        try:
            inputs = read_org(source)
            result = job.settings.plan(inputs)
            written = write_plan(result, Path(tmp) / job.plan_name, inputs=(source,))
            plan_bytes = written.read_bytes()
        except Exception as exc:  # noqa: BLE001  (one bad workbook never stops the others)
            values = failure_values(exc)
            values["seconds"] = round(time.perf_counter() - start, 3)
            return WorkbookOutcome(values)
    values = plan_values(result)
    values["seconds"] = round(time.perf_counter() - start, 3)
    payload = result.to_json()
    for column in [f.column for f in PLAN_FIELDS] + ["exit_code", "seconds", "notes"]:
        payload.setdefault(column, values[column])
    return WorkbookOutcome(values, plan_bytes, payload)


def plan_workbooks(jobs: list[WorkbookJob]) -> list[WorkbookOutcome]:
    """The task of ``planner batch``: :func:`plan_workbook` for each job of a chunk."""
    return [plan_workbook(job) for job in jobs]


@dataclass(frozen=True)
class DrawJob:
    """A chunk of sweep draws: the organization, the spec, and (draw, values) pairs."""

    inputs: OrgInputs
    spec: SweepSpec
    settings: PlanSettings
    draws: tuple[tuple[int, dict[str, float]], ...]
    catalog: Catalog | None = None


def plan_draws(job: DrawJob) -> list[dict[str, Any]]:
    """The task of ``planner sweep``: plan each draw of a chunk; one row of values each.

    Draws are planned without per-group alternatives. A draw with no compliant plan (or
    any other failure) gets its status and error line instead of costs.
    """
    from planner.batch.draws import apply_draw

    catalog = job.catalog or load_catalog()
    rows = []
    for _, values in job.draws:
        start = time.perf_counter()
        try:
            changed = apply_draw(job.inputs, job.spec, values, catalog, job.settings.at)
            row = plan_values(job.settings.plan(changed, catalog, alternatives=False))
        except Exception as exc:  # noqa: BLE001  (one draw never stops the others)
            row = failure_values(exc)
        row["seconds"] = round(time.perf_counter() - start, 3)
        rows.append(row)
    return rows
