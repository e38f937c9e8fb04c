"""gather: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_async,
    expect_concurrent_waits,
    expect_on_the_loop,
)

from .common import expect_all_in_flight, expect_results, fetch_all


@pytest.mark.points(2)
async def test_order_of_keys(scene: Scene) -> None:
    """returns the results in the order of keys, not in the order they finished"""
    await expect_async(scene.submission, "fetch_all")
    waits = scene.durations.distinct(4, 0.04, 0.34, gap=0.09)
    _, keys, returned = await fetch_all(scene, waits)
    expect_results(returned, keys, f"fetch_all(fetch, {keys})")
    assert sorted(scene.recorder.keys) == sorted(keys), (
        f"fetch should be called once for each of {keys}, but was called for {scene.recorder.keys}"
    )


@pytest.mark.points(1)
async def test_all_in_flight(scene: Scene) -> None:
    """calls fetch for every key with all the calls in flight at once"""
    # Every fetch takes at least 0.15 s: a concurrent fetch_all starts them all long before.
    waits = scene.durations.distinct(5, 0.15, 0.35, gap=0.04)
    _, keys, returned = await fetch_all(scene, waits)
    expect_results(returned, keys, f"fetch_all(fetch, {keys})", in_order=False)
    expect_all_in_flight(
        scene.recorder,
        keys,
        "start every fetch before awaiting any of them (asyncio.gather does that)",
    )


@pytest.mark.points(2)
async def test_takes_the_slowest(scene: Scene) -> None:
    """takes about as long as the slowest fetch, not the sum"""
    waits = scene.durations.spread(shortest=0.04, longest=0.3)
    delays, keys, returned = await fetch_all(scene, waits)
    expect_results(returned, keys, f"fetch_all(fetch, {keys})", in_order=False)
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        delays.values(),
        what=f"fetch_all(fetch, {keys}) with fetch times {delays}",
        too_slow="were the fetches awaited one after another?",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    waits = scene.durations.distinct(4, 0.12, 0.3, gap=0.04)
    delays, keys, _ = await fetch_all(scene, waits)
    what = f"fetch_all(fetch, {keys}) with fetches taking {list(delays.values())} s"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        at_least=min(delays.values()),
        hint="await the fetches together on the running loop: "
        "`await asyncio.gather(*(fetch(key) for key in keys))`",
    )
