"""timeouts: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_async,
    expect_concurrent,
    expect_cut_off,
    expect_on_the_loop,
)

from .common import fetch_from_shops, fetch_with_timeout, shops


@pytest.mark.points(2)
async def test_results_and_none(scene: Scene) -> None:
    """returns each fast fetch's result, and None for each slow one"""
    await expect_async(scene.submission, "fetch_with_timeout")
    await fetch_from_shops(scene)


@pytest.mark.points(2)
async def test_gives_up_at_the_timeout(scene: Scene) -> None:
    """gives up on the slow ones: takes about `timeout`, not the slowest fetch"""
    timeout, plan, _ = await fetch_from_shops(scene)
    expect_concurrent(
        scene.submission.last.elapsed,
        timeout,
        what=f"fetch_with_timeout with fetches taking {plan} and timeout {timeout}",
        sequential=sum(min(wait, timeout) for wait in plan.values()),
        too_fast="did it wait for the fast fetches?",
        too_slow="did it wait for the slow fetches, or run the fetches one after another?",
    )


@pytest.mark.points(2)
async def test_cancels_the_slow_fetches(scene: Scene) -> None:
    """cancels each slow fetch when its time is up, and leaves none running"""
    timeout, _, slow = await fetch_from_shops(scene)
    call = scene.submission.last
    assert not call.pending, (
        f"when fetch_with_timeout returned, {call.pending} task(s) were still running on its "
        "event loop; cancel every fetch that is out of time, and wait until it has stopped "
        "(asyncio.wait_for and asyncio.timeout do both)"
    )
    for span in scene.recorder.spans:
        if span.key in slow:
            expect_cut_off(
                span,
                timeout,
                call,
                what=f"fetch({span.key!r})",
                hint="cancel a fetch when its time is up: it then receives CancelledError",
            )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    timeout, plan, _ = shops(scene.durations)
    await fetch_with_timeout(scene, plan, timeout)
    what = f"fetch_with_timeout with fetches taking {plan} and timeout {timeout}"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        at_least=min(plan.values()),
        too_fast="did it wait for the fetches?",
        hint="give each fetch its timeout on the running loop (asyncio.wait_for, or "
        "asyncio.timeout), and gather them",
    )
