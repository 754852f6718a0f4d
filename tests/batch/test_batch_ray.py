"""The Ray engine on a local 2-CPU Ray instance (skipped when Ray is not installed).

CI installs the ``ray`` extra (``.ci/run``), so there this test runs.
"""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import copy_scenarios

from planner.batch import SUMMARY_COLUMNS, RayEngine, monte_carlo, run
from planner.examples import tiny_org

ray = pytest.importorskip("ray")

SPEC = {"discount_pct": {"dist": "uniform", "low": 0, "high": 20},
        "adoption": [{"group": "analysts", "share": {"dist": "uniform", "low": 0, "high": 1},
                      "add_needs": ["agent_governance"]}]}


@pytest.fixture(scope="module")
def engine():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    try:
        yield RayEngine()
    finally:
        ray.shutdown()


def test_ray_batch_matches_the_serial_batch(engine, tmp_path):
    inputs = copy_scenarios(tmp_path / "in", names=("contoso", "litware", "trey_research"))
    out = tmp_path / "out"
    table = run([inputs], out, engine=engine, chunk_size=1)
    serial = run([inputs], engine="serial")
    same = [c for c in SUMMARY_COLUMNS if c not in ("seconds", "plan_file", "result_file")]
    pd.testing.assert_frame_equal(table[same], serial[same])
    assert table["exit_code"].tolist() == [2, 0, 0, 0]  # broken.xlsx first
    assert (out / "contoso-plan.xlsx").exists() and (out / "batch-summary.csv").exists()


def test_ray_sweep_matches_the_serial_sweep(engine):
    assert engine.workers == 2
    on_ray = monte_carlo(tiny_org(), SPEC, draws=6, seed=5, engine=engine, chunk_size=2)
    serial = monte_carlo(tiny_org(), SPEC, draws=6, seed=5, engine="serial")
    pd.testing.assert_frame_equal(on_ray.drop(columns="seconds"),
                                  serial.drop(columns="seconds"))
    assert (on_ray["status"] == "optimal").all()


def test_ray_reruns_a_task_whose_worker_died_and_gives_up_after_its_retries(engine, tmp_path):
    import test_batch_engines as tasks
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(tasks)  # Ray workers cannot import the test module
    try:
        chunks = [(str(tmp_path / f"marker{i}"), i) for i in range(2)]
        assert dict(engine.map(tasks.die_once, chunks)) == {0: 0, 1: 10}
        got = dict(RayEngine(max_retries=1).map(tasks.die_on_negative, [1, -1]))
    finally:
        cloudpickle.unregister_pickle_by_value(tasks)
    assert got[0] == 2
    assert isinstance(got[1], tasks.WorkerLost) and "worker process died" in got[1].message()
