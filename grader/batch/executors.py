"""Where a batch's gradings run: local worker processes, or a dask.distributed cluster.

A job is `grader.batch.runner.grade_job`, a top-level function that takes
plain data and returns a picklable `Graded` record, so it can be sent to a
worker process or to another machine; dask workers find the course's files
by path, so they need the exercises folder and the class folder at the same
paths as here (a shared filesystem).
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any

from grader.batch.throttle import Throttle
from grader.batch.workers import Workers
from grader.errors import GraderError


class SchedulerUnavailable(GraderError):
    """The dask cluster asked for cannot be used (dask missing, or no scheduler there)."""


def cores() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """The most gradings at once (the batch's throttle decides how many run, up to this)."""
    return max(4, 4 * cores())


def local_throttle(workers: int | None) -> Throttle:
    """How many local gradings run at once: `workers` if given, else the machine's share."""
    if workers:
        return Throttle(least=workers, most=workers)
    return Throttle(least=cores(), most=default_workers())


@contextlib.contextmanager
def local_executor(workers: int) -> Iterator[Executor]:
    """Worker processes, one per slot, each grading file after file.

    Left normally, it waits for the workers to end; left by an exception (a
    second Ctrl-C is a KeyboardInterrupt), even one raised while it waits, it
    kills them first, with all they started: nothing will use the gradings
    in flight, and no process of the batch may outlive it.
    """
    pool = Workers(workers)
    try:
        yield pool
        pool.shutdown(wait=True, cancel_futures=True)
    except BaseException:
        pool.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        raise


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the dask.distributed cluster whose scheduler is at `address`."""
    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise SchedulerUnavailable(
            "grading on a dask cluster needs dask.distributed: pip install 'asyncio-grader[dask]'"
        ) from None
    try:
        client = distributed.Client(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as error:
        raise SchedulerUnavailable(
            f"cannot reach the dask scheduler at {address}: {error}"
        ) from None
    try:
        # pure=False: the same file graded twice must be graded twice, not served from a cache.
        yield ClusterExecutor(client.get_executor(pure=False), lambda: _workers(client))
    finally:
        client.close()


def _workers(client: Any) -> set[str]:
    """The addresses of the cluster's workers now (one round trip to the scheduler)."""
    return set(client.scheduler_info()["workers"])


class ClusterExecutor(Executor):
    """A cluster's executor that also tells when a worker leaves the cluster mid-batch.

    dask runs a lost worker's tasks again elsewhere, silently: the teacher
    should know the batch lost a machine (and that it is slower for it), so
    `news` compares the workers with those seen last time.
    """

    def __init__(self, inner: Executor, workers: Callable[[], set[str]]) -> None:
        self.inner = inner
        self.workers = workers
        self.seen = self._ask()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)

    def _ask(self) -> set[str] | None:
        try:
            return self.workers()
        except Exception:  # the scheduler busy or gone: ask again next time
            return None

    def news(self) -> list[str]:
        """One line per worker lost (or joined) since the last call."""
        now = self._ask()
        if now is None or self.seen is None:
            self.seen = now if now is not None else self.seen
            return []
        lost, joined = sorted(self.seen - now), sorted(now - self.seen)
        self.seen = now
        left = f"{len(now)} worker{'s' if len(now) != 1 else ''} left"
        lines = [
            f"dask worker {address} was lost; its gradings run again on the others ({left})"
            for address in lost
        ]
        lines += [f"dask worker {address} joined ({len(now)} now)" for address in joined]
        return lines
