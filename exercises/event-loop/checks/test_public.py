"""event-loop: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Recorder,
    Submission,
    expect_concurrent_waits,
    expect_on_the_loop,
    expect_plain,
    expect_waited,
)

from .common import coroutines, expect_closed, expect_one_loop, run_coroutines


@pytest.mark.points(1)
async def test_results_in_order(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """returns the coroutines' results in the order of the list"""
    await expect_plain(submission, "run_in_new_loop")
    waits = durations.distinct(4, 0.04, 0.25, gap=0.06)
    await run_coroutines(submission, durations, recorder, waits, in_order=True)


@pytest.mark.points(2)
async def test_takes_the_slowest(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """runs the coroutines concurrently: takes about as long as the slowest"""
    waits = durations.spread(shortest=0.04, longest=0.3)
    delays = await run_coroutines(submission, durations, recorder, waits)
    expect_concurrent_waits(
        submission.last.elapsed,
        delays.values(),
        what=f"run_in_new_loop(<coroutines that take {list(delays.values())} s>)",
        too_slow="did it run one coroutine after another (run_until_complete once per "
        "coroutine)? Run them all at once, e.g. gather them in one coroutine",
    )


@pytest.mark.points(1)
async def test_closes_its_loop(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """creates one new event loop for all the coroutines and closes it before returning"""
    waits = durations.distinct(3, 0.04, 0.15, gap=0.03)
    await run_coroutines(submission, durations, recorder, waits)
    expect_closed(submission.last, "run_in_new_loop")
    expect_one_loop(submission.last, "run_in_new_loop", len(waits))


@pytest.mark.points(2)
async def test_runs_on_its_loop(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """runs every coroutine on its one new loop: no threads or processes, never blocked"""
    coros, delays = coroutines(durations, recorder, durations.distinct(3, 0.12, 0.3, gap=0.04))
    await submission.run_in_new_loop(coros)
    what = f"run_in_new_loop(<coroutines that take {list(delays.values())} s>)"
    expect_waited(submission.last.elapsed, min(delays.values()), what=what,
                  hint="did it run the coroutines?")  # fmt: skip
    expect_on_the_loop(
        submission.last,
        what=what,
        loops=1,
        hint="make one new loop, run one coroutine that gathers them all on it with "
        "loop.run_until_complete, then close the loop",
    )
