"""pipeline: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Feed,
    Scene,
    expect_on_time,
    expect_type,
    iterator,
    plan,
)

from .common import arrivals_of, crew, held_feed, make_worker, process_all, show

#: How long before a new job arrives a worker should be done, in the checks
#: that want a worker free for every job the moment it arrives.
MARGIN = 0.04


def unqueued(durations: Durations, n_workers: int, count: int) -> tuple[list[float], list[float]]:
    """Arrival times and lengths of `count` jobs that never have to wait for a worker.

    Jobs arrive every few hundredths of a second, but a new one comes only
    when fewer than `n_workers` jobs are still being worked on (with MARGIN).
    The first job is long and the next `n_workers - 1` short: job `n_workers`
    arrives while the first is still running, so a worker that was dealt it in
    advance (a queue per worker, round robin) is still busy and it starts far
    too late, on every draw; a shared queue hands it to a free worker. (Job
    `n_workers` arrives by 0.21 s at the latest, and 0.45 s is later than that
    plus the slack of 0.17 s.)
    """
    seconds = [durations.between(0.45, 0.5)]
    seconds += [durations.between(0.05, 0.08) for _ in range(n_workers - 1)]
    seconds += [durations.between(0.08, 0.2) for _ in range(count - n_workers)]
    arrivals = [0.0]
    for i in range(1, count):
        at = arrivals[-1] + durations.between(0.03, 0.07)
        ends = sorted(a + s for a, s in zip(arrivals, seconds[:i], strict=False))
        busy = [end for end in ends if end + MARGIN > at]
        if len(busy) >= n_workers:
            at = busy[len(busy) - n_workers] + MARGIN
        arrivals.append(round(at, 3))
    assert plan(arrivals, seconds, n_workers) == arrivals
    return arrivals, seconds


@pytest.mark.points(1)
async def test_starts_each_job_on_arrival(scene: Scene) -> None:
    """starts working on each job as soon as it arrives, while the source is still open"""
    # One or two jobs after the one that arrives while the long first job runs.
    n_workers, jobs = crew(scene.durations, (2, 3), 1, (1, 2))
    arrivals, waits = unqueued(scene.durations, n_workers, len(jobs))
    seconds = dict(zip(jobs, waits, strict=True))
    # `unqueued` jobs each start on arrival: the source stays open until the last is done.
    feed = held_feed(scene.recorder, jobs, arrivals, waits, n_workers)
    what = f"process(source, worker, {n_workers})"
    await process_all(scene, feed, seconds, n_workers)
    described = f"{what} with jobs {show(jobs, arrivals, seconds)}"
    assert feed.started is not None
    started = {span.key: span.started - feed.started for span in reversed(scene.recorder.spans)}
    for job, arrival in zip(jobs, arrivals, strict=True):
        expect_on_time(
            started[job],
            arrival,
            what=f"in {described}, the work on {job!r}",
            early="a job cannot be worked on before it arrives",
            late=(
                "a worker was free when it arrived; start the worker tasks before reading "
                "the source, and put each job in the queue as soon as it arrives"
            ),
        )


@pytest.mark.points(2)
async def test_no_task_left_pending(scene: Scene) -> None:
    """leaves no task pending when it returns: the workers are stopped and awaited"""
    n_workers, jobs = crew(scene.durations, (2, 4), 1, (2, 4))
    arrivals = arrivals_of(scene.durations, len(jobs), rush=n_workers)
    waits = [scene.durations.between(0.04, 0.15) for _ in jobs]
    seconds = dict(zip(jobs, waits, strict=True))
    feed = held_feed(scene.recorder, jobs, arrivals, waits, n_workers)
    what = f"process(source, worker, {n_workers})"
    await process_all(scene, feed, seconds, n_workers)
    call = scene.submission.last
    end = call.done_at if call.done_at is not None else call.ended
    working = sorted(str(s.key) for s in scene.recorder.spans if s.running or (s.ended or 0) > end)
    assert not working, (
        f"{what} returned while the work on {working} was still going on; wait until every "
        "job is done (`await queue.join()`) before returning"
    )
    pending = call.pending or 0
    assert pending == 0, (
        f"when {what} returned, {pending} task(s) it started were still pending (workers "
        "still waiting on queue.get()?); when the queue is drained, cancel each worker task "
        "and await them all (asyncio.gather(*workers, return_exceptions=True)), or put one "
        "stop marker per worker in the queue and await the workers"
    )


@pytest.mark.points(1)
async def test_empty_source(scene: Scene) -> None:
    """returns an empty list when the source has no jobs"""
    n_workers = scene.durations.rng.randint(1, 4)
    feed = Feed([], [])
    returned = await scene.submission.process(
        iterator(feed.next), make_worker(scene.recorder, {}), n_workers
    )
    what = f"process(source, worker, {n_workers}) with a source that has no jobs"
    expect_type(returned, list, what=f"the value {what} returned")
    assert returned == [], f"{what} should return [], but returned {returned}"
    assert not scene.recorder.spans, (
        f"{what} called the worker with {scene.recorder.keys}, but there are no jobs"
    )
