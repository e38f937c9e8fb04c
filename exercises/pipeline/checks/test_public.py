"""pipeline: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Feed,
    Scene,
    expect_async,
    expect_at_most,
    expect_on_the_loop,
    expect_slots_busy,
    expect_uses,
    iterator,
)

from .common import (
    arrivals_of,
    crew,
    held_feed,
    make_jobs,
    make_worker,
    process_all,
    result_of,
    show,
)


@pytest.mark.points(1)
async def test_results_in_arrival_order(scene: Scene) -> None:
    """returns the results in the order the jobs arrived, not the order they finished"""
    await expect_async(scene.submission, "process")
    n_workers, jobs = crew(scene.durations, (2, 3), 0, (5, 7))
    arrivals = arrivals_of(scene.durations, len(jobs))
    # The first job is the slowest and the second the fastest: the second (and
    # others) finish long before the first, so the finishing order is never
    # the arrival order.
    waits = [scene.durations.between(0.2, 0.25), scene.durations.between(0.03, 0.06)]
    waits += [scene.durations.between(0.08, 0.18) for _ in jobs[2:]]
    seconds = dict(zip(jobs, waits, strict=True))
    feed = Feed(jobs, arrivals)  # the source ends right after the last job
    what = f"process(source, worker, {n_workers})"
    returned = await process_all(scene, feed, seconds, n_workers)
    expected = [result_of(job) for job in jobs]
    assert returned == expected, (
        f"with jobs {show(jobs, arrivals, seconds)}, {what} should return {expected} "
        f"(the order the jobs arrived), but returned {returned}; number each job as it "
        "arrives and store its result under that number"
    )


@pytest.mark.points(1)
async def test_finishes_queued_jobs(scene: Scene) -> None:
    """finishes the jobs still waiting in the queue when the source ends"""
    n_workers, jobs = crew(scene.durations, (2, 3), 2, (1, 2))
    arrivals = [round(0.005 * i, 3) for i in range(len(jobs))]  # a rush: all at once
    seconds = {job: scene.durations.between(0.03, 0.15) for job in jobs}
    feed = Feed(jobs, arrivals)  # ends right after the last job, long before the work is done
    what = f"process(source, worker, {n_workers})"
    await process_all(scene, feed, seconds, n_workers,
        aside=" (the source ends right after the last one, while most are still queued)",
    )  # fmt: skip
    unfinished = sorted(
        str(span.key) for span in scene.recorder.spans if span.cancelled or span.running
    )
    assert not unfinished, (
        f"{what} cancelled the work on {unfinished}: wait until the queue is drained "
        "(`await queue.join()`) before stopping the workers"
    )


@pytest.mark.points(2)
async def test_n_workers_busy(scene: Scene) -> None:
    """keeps exactly n_workers jobs in flight while jobs are waiting"""
    rng = scene.durations.rng
    n_workers = rng.randint(2, 4)
    jobs = make_jobs(scene.durations, n_workers * 3 + 1)
    # The first job is long and all the others short. A pool of workers fed
    # from one queue keeps the other workers on the short jobs while the long
    # one runs. A pool that works in batches, or gives each worker its own
    # share of the jobs (a queue per worker), makes jobs wait behind the long
    # one while other workers are idle: for far longer than the tolerance, on
    # every draw.
    waits = [scene.durations.between(0.35, 0.45)]
    waits += [scene.durations.between(0.02, 0.035) for _ in jobs[1:]]
    seconds = dict(zip(jobs, waits, strict=True))
    arrivals = [round(0.003 * i, 3) for i in range(len(jobs))]  # a rush: they queue up
    feed = held_feed(scene.recorder, jobs, arrivals, waits, n_workers)
    what = f"process(source, worker, {n_workers})"
    await process_all(scene, feed, seconds, n_workers)
    situation = f"with {len(jobs)} jobs arriving at once ({show(jobs, arrivals, seconds)}), {what}"
    workers = (
        f"start exactly {n_workers} worker tasks, each taking the next job from the queue "
        "as soon as it is done with the last"
    )
    expect_at_most(scene.recorder, n_workers, what=situation, hint=workers)
    expect_slots_busy(scene.recorder, n_workers, what=situation, hint=workers)


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """feeds its workers through an asyncio.Queue on its loop: no threads, never blocked"""
    n_workers, jobs = crew(scene.durations, (2, 3), 2, (0, 2))
    arrivals = [round(0.02 * i, 3) for i in range(len(jobs))]
    seconds = {job: scene.durations.between(0.08, 0.15) for job in jobs}
    feed = Feed(jobs, arrivals)
    what = f"process(source, worker, {n_workers}) with jobs {show(jobs, arrivals, seconds)}"
    await scene.submission.process(
        iterator(feed.next), make_worker(scene.recorder, seconds), n_workers
    )
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        at_least=arrivals[-1],
        too_fast="did it wait for the jobs?",
        hint="run the workers as tasks on the running loop, fed by one asyncio.Queue",
    )
    expect_uses(
        scene.submission,
        ("asyncio.Queue", "asyncio.queues.Queue"),
        what=what,
        why="the exercise feeds the jobs through an asyncio.Queue to n_workers worker tasks",
        hint="put each job in one asyncio.Queue as it arrives, and start n_workers tasks that "
        "take jobs from it",
    )
