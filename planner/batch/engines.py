"""Where batch and sweep work runs: in this process, a local process pool, or Ray.

Every engine runs one task function over a list of *chunks* (a chunk is a list of
workbooks or of draws) and yields ``(chunk index, result)`` as each chunk finishes, in
whatever order they finish; callers put the results back in order, so the output never
depends on the engine or the number of workers.

============  ===========================================================================
``serial``    in this process, one chunk after another (no start-up cost; for debugging
              and as the benchmarks' baseline)
``local``     a pool of long-lived worker processes on this machine (default; one per
              core): each worker imports the planner and loads the catalog once
``ray``       Ray Core tasks, one per chunk, on a local Ray instance or a cluster
              (``address``); needs ``pip install 'planner[ray]'``
============  ===========================================================================

A chunk whose worker process dies (killed, out of memory) is run again, up to
``max_retries`` times; after that its result is a :class:`WorkerLost`, which the caller
turns into one failed row per item, so the other chunks still finish. (The local pool
cannot tell which of the chunks in flight killed it, so it reruns them one at a time:
a try is counted only against a chunk that was alone in the pool.)
"""
from __future__ import annotations

import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Self

from planner.errors import InputError, Issue
from planner.vocabulary import BATCH_ENGINES

ENGINES = BATCH_ENGINES
"""Engine names accepted by :func:`make_engine` (and ``--engine``)."""

CHUNKS_PER_WORKER = 8
"""Chunks made per worker by :func:`chunked`: enough to balance uneven work and to move
the progress bar, few enough that per-task overhead stays small."""

MAX_RETRIES = 2
"""Times a chunk is run again after its worker process died."""

LOST_ERRORS = ("WorkerCrashedError", "NodeDiedError", "ObjectLostError", "OutOfMemoryError",
               "RaySystemError")
"""Ray exceptions that mean a task's worker or node was lost (after Ray's own retries)."""

Task = Callable[[Any], Any]
Prepare = Callable[[Any], Any]


def _same(chunk: Any) -> Any:
    return chunk


@dataclass(frozen=True)
class WorkerLost:
    """The result of a chunk whose worker died on every try."""

    tries: int
    reason: str

    def message(self) -> str:
        """One line for the rows of the chunk."""
        return f"the worker process died while planning this ({self.reason}; tried {self.tries} " \
               "times); rerun with --resume, or plan it alone with 'planner solve'"


def default_workers() -> int:
    """Worker processes used when none are asked for: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def chunked(items: Sequence, workers: int, chunk_size: int | None = None) -> list[list]:
    """Split ``items`` into consecutive chunks for ``workers`` workers.

    Parameters
    ----------
    items : sequence
        The work, in order.
    workers : int
        Workers that will share it.
    chunk_size : int, optional
        Items per chunk; by default ``ceil(len(items) / (workers * CHUNKS_PER_WORKER))``.

    Examples
    --------
    >>> chunked(list(range(5)), workers=1, chunk_size=2)
    [[0, 1], [2, 3], [4]]
    """
    size = chunk_size or max(1, math.ceil(len(items) / (max(1, workers) * CHUNKS_PER_WORKER)))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


class Engine:
    """Runs a task over chunks; a context manager that releases its workers on exit.

    Subclasses implement :meth:`map`. ``task`` must be a module-level function (it is
    sent to other processes by reference) taking one chunk and returning its result.
    At most :attr:`window` chunks are in flight at once; ``prepare(chunk)``, when given,
    is called just before a chunk is sent (to read its files only then), so memory holds
    the chunks in flight, not the whole batch.
    """

    name = "engine"

    def __init__(self, workers: int | None = None):
        self.workers = int(workers) if workers else default_workers()
        if self.workers < 1:
            raise InputError(Issue(f"--workers must be 1 or more (got {workers})"))

    @property
    def window(self) -> int:
        """Chunks in flight at once: two per worker, so none waits for work."""
        return 2 * self.workers

    def map(self, task: Task, chunks: Sequence[Any],
            prepare: Prepare | None = None) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, task(prepare(chunks[index])))`` for every chunk, as each finishes."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the workers (the engine can no longer be used)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SerialEngine(Engine):
    """Every chunk in this process, in order."""

    name = "serial"

    def __init__(self, workers: int | None = None):
        super().__init__(1)

    def map(self, task: Task, chunks: Sequence[Any],
            prepare: Prepare | None = None) -> Iterator[tuple[int, Any]]:
        """See :meth:`Engine.map`."""
        prepare = prepare or _same
        for index, chunk in enumerate(chunks):
            yield index, task(prepare(chunk))


class LocalEngine(Engine):
    """A pool of long-lived worker processes on this machine.

    Parameters
    ----------
    workers : int, optional
        Processes (default: the cores this process may use).
    max_retries : int
        Times a chunk is run again after its worker died.
    initializer : callable, optional
        Run once in each new worker (default: :func:`planner.batch.worker.warm_up`,
        which loads the catalog).
    start_method : str
        ``spawn`` (default: a clean interpreter, the same on every platform) or ``fork``.
    """

    name = "local"

    def __init__(self, workers: int | None = None, max_retries: int = MAX_RETRIES,
                 initializer: Callable[[], None] | None = None, start_method: str = "spawn"):
        super().__init__(workers)
        from planner.batch.worker import warm_up

        self.max_retries = max_retries
        self._initializer = initializer or warm_up
        self._context = multiprocessing.get_context(start_method)
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    def _executor(self, wanted: int) -> ProcessPoolExecutor:
        if self._pool is None or self._size < min(wanted, self.workers):
            self.close()
            self._size = max(1, min(wanted, self.workers))
            self._pool = ProcessPoolExecutor(self._size, mp_context=self._context,
                                             initializer=self._initializer)
        return self._pool

    def map(self, task: Task, chunks: Sequence[Any],
            prepare: Prepare | None = None) -> Iterator[tuple[int, Any]]:
        """See :meth:`Engine.map`."""
        prepare = prepare or _same
        queue = deque(range(len(chunks)))  # not sent yet
        suspects: deque[int] = deque()  # in flight when the pool broke: rerun one by one
        tries = dict.fromkeys(queue, 0)
        running: dict[Future, int] = {}
        try:
            while queue or suspects or running:
                pool = self._executor(len(queue) + len(suspects) + len(running))
                if suspects:
                    if not running:
                        i = suspects.popleft()
                        running[pool.submit(task, prepare(chunks[i]))] = i
                else:
                    while queue and len(running) < self.window:
                        i = queue.popleft()
                        running[pool.submit(task, prepare(chunks[i]))] = i
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for fut in [f for f in running if f in done]:
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    yield running.pop(fut), result
                if broken:
                    failed = list(running.values())
                    running.clear()
                    self.close()
                    yield from self._retry_or_lose(failed, suspects, tries)
        finally:
            if running:  # interrupted, or the caller stopped early: do not wait for them
                self._abort()

    def _retry_or_lose(self, failed: list[int], suspects: deque, tries: dict[int, int]
                       ) -> Iterator[tuple[int, WorkerLost]]:
        """After the pool broke with ``failed`` in flight: when one chunk was alone, it
        broke the pool (a try counted; lost after ``max_retries`` retries); when several
        were, each is run again alone to find which."""
        if len(failed) > 1:
            suspects.extendleft(reversed(failed))
            return
        i = failed[0]
        tries[i] += 1
        if tries[i] > self.max_retries:
            yield i, WorkerLost(tries[i], "a worker process ended abruptly")
        else:
            suspects.appendleft(i)

    def close(self) -> None:
        """See :meth:`Engine.close`."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _abort(self) -> None:
        """Drop the pool without waiting for the chunks still running (interrupted map)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class RayEngine(Engine):
    """Ray Core tasks, one per chunk, with retries when a worker or node is lost.

    Parameters
    ----------
    workers : int, optional
        CPUs of the local Ray instance started when ``address`` is not given (default:
        the cores this process may use); ignored on a cluster, whose size is its own.
    address : str, optional
        A running cluster (``ray://host:10001``, ``host:6379`` or ``auto``); by default
        a Ray instance already started in this process is used, else a local one is
        started (and stopped by :meth:`close`).
    max_retries : int
        Times Ray runs a task again after its worker died.
    """

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None,
                 max_retries: int = MAX_RETRIES):
        super().__init__(workers)
        try:
            import ray
        except ImportError:
            raise InputError(Issue("the ray engine needs Ray, which is not installed: "
                                   "pip install 'planner[ray]' (or use --engine local)")) from None
        self._ray = ray
        self.max_retries = max_retries
        self._started = False
        if not ray.is_initialized():
            import logging

            options: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.ERROR,
                                           "log_to_driver": False}
            if address:
                options["address"] = address
            else:
                options["num_cpus"] = self.workers
            try:
                ray.init(**options)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                where = address or "a local Ray instance"
                raise InputError(Issue(f"cannot start or reach {where}: {exc}")) from None
            self._started = True
        if address or not self._started:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map(self, task: Task, chunks: Sequence[Any],
            prepare: Prepare | None = None) -> Iterator[tuple[int, Any]]:
        """See :meth:`Engine.map`."""
        ray = self._ray
        prepare = prepare or _same
        remote = ray.remote(max_retries=self.max_retries, num_cpus=1)(task)
        queue = deque(range(len(chunks)))
        running: dict[Any, int] = {}
        try:
            while queue or running:
                while queue and len(running) < self.window:
                    i = queue.popleft()
                    running[remote.remote(prepare(chunks[i]))] = i
                done, _ = ray.wait(list(running), num_returns=1)
                for ref in done:
                    yield running.pop(ref), self._result(ref)
        finally:
            for ref in running:
                ray.cancel(ref, force=True)

    def _result(self, ref) -> Any:
        exceptions = self._ray.exceptions
        lost = tuple(getattr(exceptions, name) for name in LOST_ERRORS if hasattr(exceptions, name))
        try:
            return self._ray.get(ref)
        except exceptions.RayTaskError as exc:  # the task itself raised: a bug in it
            cause = getattr(exc, "cause", None)
            raise (cause if isinstance(cause, Exception) else exc) from None
        except lost as exc:
            return WorkerLost(self.max_retries + 1, type(exc).__name__)

    def close(self) -> None:
        """See :meth:`Engine.close`."""
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
        self._started = False


def make_engine(engine: str | Engine = "local", workers: int | None = None,
                address: str | None = None) -> Engine:
    """The engine called ``engine`` (one of :data:`ENGINES`), or ``engine`` itself.

    Raises
    ------
    InputError
        For an unknown name, ``address`` with another engine than ``ray``, or Ray not
        installed or not reachable.
    """
    if isinstance(engine, Engine):
        return engine
    if engine not in ENGINES:
        raise InputError(Issue(f"unknown engine '{engine}'; engines: {', '.join(ENGINES)}"))
    if address and engine != "ray":
        raise InputError(Issue("--address is the Ray cluster to use; it needs --engine ray"))
    if engine == "ray":
        return RayEngine(workers, address)
    if engine == "serial":
        return SerialEngine()
    return LocalEngine(workers)
