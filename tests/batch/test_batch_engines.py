"""Engines: chunking, results in order whatever the engine, retries when a worker dies."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from planner.batch.engines import LocalEngine, SerialEngine, WorkerLost, chunked, make_engine
from planner.errors import InputError


def no_warm_up() -> None:
    """Pool initializer for these tests: nothing to load."""


def square_all(chunk: list[int]) -> list[int]:
    return [x * x for x in chunk]


def die_once(chunk: tuple[str, int]) -> int:
    """Kill the worker process the first time (no marker yet), then return the value."""
    marker, value = chunk
    if not os.path.exists(marker):
        Path(marker).write_text("died")
        os._exit(1)
    return value * 10


def die_on_negative(value: int) -> int:
    if value < 0:
        os._exit(1)
    return value + 1


def test_chunks_cover_the_items_in_order():
    items = list(range(23))
    chunks = chunked(items, workers=2)
    assert [x for c in chunks for x in c] == items
    assert len(chunks) == 12  # ceil(23 / 16) = 2 per chunk
    assert chunked(items, workers=2, chunk_size=10) == [items[:10], items[10:20], items[20:]]
    assert chunked([], workers=2) == []


def test_local_pool_gives_the_serial_results_and_prepares_chunks_when_sent():
    chunks = chunked(list(range(40)), workers=2, chunk_size=3)
    prepared = []

    def prepare(chunk):
        prepared.append(chunk[0])
        return chunk

    with SerialEngine() as serial:
        expected = dict(serial.map(square_all, chunks))
    with LocalEngine(2, initializer=no_warm_up) as pool:
        got = dict(pool.map(square_all, chunks, prepare))
    assert got == expected
    assert sorted(prepared) == [c[0] for c in chunks]


def test_a_chunk_whose_worker_dies_is_run_again(tmp_path):
    chunks = [(str(tmp_path / f"marker{i}"), i) for i in range(3)]
    with LocalEngine(2, initializer=no_warm_up) as pool:
        got = dict(pool.map(die_once, chunks))
    assert got == {0: 0, 1: 10, 2: 20}
    assert all((tmp_path / f"marker{i}").exists() for i in range(3))


def test_a_chunk_that_always_kills_its_worker_is_lost_and_the_others_finish():
    chunks = [1, -1, 2, 3, 4]
    with LocalEngine(2, max_retries=1, initializer=no_warm_up) as pool:
        got = dict(pool.map(die_on_negative, chunks))
    assert got[0] == 2 and got[2] == 3 and got[3] == 4 and got[4] == 5
    lost = got[1]
    assert isinstance(lost, WorkerLost) and lost.tries == 2
    assert "worker process died" in lost.message()


def test_engine_names_are_checked():
    with pytest.raises(InputError, match="unknown engine 'dask'"):
        make_engine("dask")
    with pytest.raises(InputError, match="needs --engine ray"):
        make_engine("local", address="ray://head:10001")
    with pytest.raises(InputError, match="--workers must be 1 or more"):
        LocalEngine(-1)
    assert make_engine("serial").workers == 1
    engine = SerialEngine()
    assert make_engine(engine) is engine


def test_ray_engine_without_ray_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails
    with pytest.raises(InputError, match=r"pip install 'planner\[ray\]'"):
        make_engine("ray")
