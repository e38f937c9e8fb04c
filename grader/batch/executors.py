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
from collections.abc import Iterator
from concurrent.futures import Executor

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
        yield client.get_executor(pure=False)
    finally:
        client.close()
