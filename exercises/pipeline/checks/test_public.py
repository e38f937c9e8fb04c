"""pipeline: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Feed,
    Recorder,
    Submission,
    expect_async,
    expect_at_most,
    expect_on_the_loop,
    expect_slots_busy,
    expect_uses,
    expect_waited,
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
async def test_results_in_arrival_order(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """returns the results in the order the jobs arrived, not the order they finished"""
    await expect_async(submission, "process")
    n_workers, jobs = crew(durations, (2, 3), 0, (5, 7))
    arrivals = arrivals_of(durations, len(jobs))
    # The first job is the slowest and the second the fastest: the second (and
    # others) finish long before the first, so the finishing order is never
    # the arrival order.
    waits = [durations.between(0.2, 0.25), durations.between(0.03, 0.06)]
    waits += [durations.between(0.08, 0.18) for _ in jobs[2:]]
    seconds = dict(zip(jobs, waits, strict=True))
    feed = Feed(jobs, arrivals)  # the source ends right after the last job
    what = f"process(source, worker, {n_workers})"
    returned = await process_all(submission, recorder, feed, seconds, n_workers)
    expected = [result_of(job) for job in jobs]
    assert returned == expected, (
        f"with jobs {show(jobs, arrivals, seconds)}, {what} should return {expected} "
        f"(the order the jobs arrived), but returned {returned}; number each job as it "
        "arrives and store its result under that number"
    )


@pytest.mark.points(1)
async def test_finishes_queued_jobs(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """finishes the jobs still waiting in the queue when the source ends"""
    n_workers, jobs = crew(durations, (2, 3), 2, (1, 2))
    arrivals = [round(0.005 * i, 3) for i in range(len(jobs))]  # a rush: all at once
    seconds = {job: durations.between(0.03, 0.15) for job in jobs}
    feed = Feed(jobs, arrivals)  # ends right after the last job, long before the work is done
    what = f"process(source, worker, {n_workers})"
    await process_all(
        submission, recorder, feed, seconds, n_workers,
        scene=" (the source ends right after the last one, while most are still queued)",
    )  # fmt: skip
    unfinished = sorted(str(span.key) for span in recorder.spans if span.cancelled or span.running)
    assert not unfinished, (
        f"{what} cancelled the work on {unfinished}: wait until the queue is drained "
        "(`await queue.join()`) before stopping the workers"
    )


@pytest.mark.points(2)
async def test_n_workers_busy(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """keeps exactly n_workers jobs in flight while jobs are waiting"""
    rng = durations.rng
    n_workers = rng.randint(2, 4)
    jobs = make_jobs(durations, n_workers * 3 + 1)
    # The first job is long and all the others short. A pool of workers fed
    # from one queue keeps the other workers on the short jobs while the long
    # one runs. A pool that works in batches, or gives each worker its own
    # share of the jobs (a queue per worker), makes jobs wait behind the long
    # one while other workers are idle: for far longer than the tolerance, on
    # every draw.
    waits = [durations.between(0.35, 0.45)]
    waits += [durations.between(0.02, 0.035) for _ in jobs[1:]]
    seconds = dict(zip(jobs, waits, strict=True))
    arrivals = [round(0.003 * i, 3) for i in range(len(jobs))]  # a rush: they queue up
    feed = held_feed(recorder, jobs, arrivals, waits, n_workers)
    what = f"process(source, worker, {n_workers})"
    await process_all(submission, recorder, feed, seconds, n_workers)
    scene = f"with {len(jobs)} jobs arriving at once ({show(jobs, arrivals, seconds)}), {what}"
    workers = (
        f"start exactly {n_workers} worker tasks, each taking the next job from the queue "
        "as soon as it is done with the last"
    )
    expect_at_most(recorder, n_workers, what=scene, hint=workers)
    expect_slots_busy(recorder, n_workers, what=scene, hint=workers)


@pytest.mark.points(2)
async def test_runs_on_the_loop(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """feeds its workers through an asyncio.Queue on its loop: no threads, never blocked"""
    n_workers, jobs = crew(durations, (2, 3), 2, (0, 2))
    arrivals = [round(0.02 * i, 3) for i in range(len(jobs))]
    seconds = {job: durations.between(0.08, 0.15) for job in jobs}
    feed = Feed(jobs, arrivals)
    what = f"process(source, worker, {n_workers}) with jobs {show(jobs, arrivals, seconds)}"
    await submission.process(iterator(feed.next), make_worker(recorder, seconds), n_workers)
    expect_waited(submission.last.elapsed, arrivals[-1], what=what,
                  hint="did it wait for the jobs?")  # fmt: skip
    expect_on_the_loop(
        submission.last,
        what=what,
        hint="run the workers as tasks on the running loop, fed by one asyncio.Queue",
    )
    expect_uses(
        submission,
        ("asyncio.Queue", "asyncio.queues.Queue"),
        what=what,
        why="the exercise feeds the jobs through an asyncio.Queue to n_workers worker tasks",
        hint="put each job in one asyncio.Queue as it arrives, and start n_workers tasks that "
        "take jobs from it",
    )
