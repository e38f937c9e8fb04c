"""pipeline: helpers the public and hidden checks share."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from grader.checks import (
    Durations,
    Feed,
    Recorder,
    Scene,
    expect_type,
    iterator,
    plan,
)

DISHES = [
    "pizza", "pasta", "salad", "soup", "burger", "curry", "tacos", "ramen",
    "sushi", "steak", "risotto", "falafel", "lasagne", "paella", "gnocchi",
]  # fmt: skip


def make_jobs(durations: Durations, count: int) -> list[str]:
    """`count` distinct orders, such as 'pizza 42'."""
    return [f"{dish} {durations.rng.randint(10, 99)}" for dish in durations.choose(DISHES, count)]


def crew(
    durations: Durations, workers: tuple[int, int], per_worker: int, extra: tuple[int, int]
) -> tuple[int, list[str]]:
    """n_workers drawn between `workers`, and `per_worker` jobs each plus a draw of `extra`."""
    n_workers = durations.rng.randint(*workers)
    return n_workers, make_jobs(durations, n_workers * per_worker + durations.rng.randint(*extra))


def arrivals_of(durations: Durations, count: int, rush: int = 0) -> list[float]:
    """When each of `count` jobs arrives: the first at once, the next `rush` 0.005 s apart
    (a rush), then each 0.02 to 0.05 s after the one before."""
    arrivals = [0.0]
    for i in range(1, count):
        gap = 0.005 if i <= rush else durations.between(0.02, 0.05)
        arrivals.append(round(arrivals[-1] + gap, 3))
    return arrivals


def held_feed(
    recorder: Recorder, jobs: list[str], arrivals: list[float], waits: list[float], n_workers: int
) -> Feed:
    """A feed whose source stays open until `n_workers` workers sharing one queue are done
    with every job, and 0.3 s more: a process that returns early is caught working."""
    done = max(s + w for s, w in zip(plan(arrivals, waits, n_workers), waits, strict=True))
    return Feed(jobs, arrivals, hold=recorder, hold_for=done - arrivals[-1] + 0.3)


def result_of(job: str) -> str:
    """What the worker returns for a job."""
    return job.upper() + " DONE"


def make_worker(
    recorder: Recorder, seconds: Mapping[str, float]
) -> Callable[[str], Awaitable[str]]:
    """The async worker: takes `seconds[job]`, then returns the job's result."""

    async def cook(job: str) -> str:
        await asyncio.sleep(seconds[job])
        return result_of(job)

    return recorder.watch(cook)


def show(jobs: list[str], arrivals: list[float], seconds: Mapping[str, float]) -> str:
    """The jobs as a student reads them: 'pizza 42' at 0.00 s taking 0.25 s, ..."""
    return ", ".join(
        f"{job!r} at {at:.2f} s taking {seconds[job]:.2f} s"
        for job, at in zip(jobs, arrivals, strict=True)
    )


def expect_every_result(returned: object, jobs: list[str], what: str) -> None:
    """Every job's result came back once, in any order."""
    expect_type(returned, list, what=f"the value {what} returned")
    assert isinstance(returned, list)
    expected = sorted(result_of(job) for job in jobs)
    got = sorted(map(str, returned))
    assert got == expected, (
        f"{what} should return the result of every job ({expected}, in arrival order), "
        f"but returned {returned}"
    )


async def process_all(
    scene: Scene, feed: Feed, seconds: Mapping[str, float], n_workers: int, *, aside: str = ""
) -> Any:
    """process(source, worker, n_workers) on the feed's jobs, the worker recorded.

    Every job's result must come back; the failure names the call and its
    jobs, then `aside`.
    """
    returned = await scene.submission.process(
        iterator(feed.next), make_worker(scene.recorder, seconds), n_workers
    )
    shown = show(feed.jobs, feed.arrivals, seconds)
    expect_every_result(
        returned, feed.jobs, f"process(source, worker, {n_workers}) with jobs {shown}{aside}"
    )
    return returned
