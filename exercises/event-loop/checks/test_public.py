"""event-loop: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_concurrent_waits,
    expect_on_the_loop,
    expect_plain,
)

from .common import coroutines, expect_closed, expect_one_loop, run_coroutines


@pytest.mark.points(1)
async def test_results_in_order(scene: Scene) -> None:
    """returns the coroutines' results in the order of the list"""
    await expect_plain(scene.submission, "run_in_new_loop")
    waits = scene.durations.distinct(4, 0.04, 0.25, gap=0.06)
    await run_coroutines(scene, waits, in_order=True)


@pytest.mark.points(2)
async def test_takes_the_slowest(scene: Scene) -> None:
    """runs the coroutines concurrently: takes about as long as the slowest"""
    waits = scene.durations.spread(shortest=0.04, longest=0.3)
    delays = await run_coroutines(scene, waits)
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        delays.values(),
        what=f"run_in_new_loop(<coroutines that take {list(delays.values())} s>)",
        too_slow="did it run one coroutine after another (run_until_complete once per "
        "coroutine)? Run them all at once, e.g. gather them in one coroutine",
    )


@pytest.mark.points(1)
async def test_closes_its_loop(scene: Scene) -> None:
    """creates one new event loop for all the coroutines and closes it before returning"""
    waits = scene.durations.distinct(3, 0.04, 0.15, gap=0.03)
    await run_coroutines(scene, waits)
    expect_closed(scene.submission.last, "run_in_new_loop")
    expect_one_loop(scene.submission.last, "run_in_new_loop", len(waits))


@pytest.mark.points(2)
async def test_runs_on_its_loop(scene: Scene) -> None:
    """runs every coroutine on its one new loop: no threads or processes, never blocked"""
    coros, delays = coroutines(scene, scene.durations.distinct(3, 0.12, 0.3, gap=0.04))
    await scene.submission.run_in_new_loop(coros)
    what = f"run_in_new_loop(<coroutines that take {list(delays.values())} s>)"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        loops=1,
        at_least=min(delays.values()),
        too_fast="did it run the coroutines?",
        hint="make one new loop, run one coroutine that gathers them all on it with "
        "loop.run_until_complete, then close the loop",
    )
