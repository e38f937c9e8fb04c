"""futures: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_async,
    expect_concurrent,
    expect_on_the_loop,
    expect_plain,
    expect_waited,
    expect_within,
    returned_pending_at,
)

from .common import VALUES, deliver, describe, expect_others_cancelled, first_done, race


@pytest.mark.points(1)
async def test_returns_pending_future(scene: Scene) -> None:
    """deliver_later returns a pending asyncio.Future at once"""
    await expect_plain(scene.submission, "deliver_later")
    value, delay = scene.durations.choose(VALUES, 1)[0], scene.durations.between(0.15, 0.3)
    call = await deliver(scene.submission, value, delay)
    what = f"deliver_later({value!r}, {delay})"
    returned_at = returned_pending_at(call)
    assert returned_at is not None, (
        f"the future {what} returned was already done; it should be pending, and get its "
        "result only after `delay` seconds (loop.call_later runs a function later)"
    )
    expect_within(
        returned_at - call.started, 0.0, what=f"{what} itself",
        about="it should return at once, in about",
        hint="don't wait inside deliver_later: let loop.call_later fill the future later",
    )  # fmt: skip


@pytest.mark.points(1)
async def test_result_after_delay(scene: Scene) -> None:
    """the future's result becomes the value after about `delay` seconds"""
    value, delay = scene.durations.choose(VALUES, 1)[0], scene.durations.between(0.1, 0.3)
    call = await deliver(scene.submission, value, delay)
    expect_concurrent(
        call.elapsed,
        delay,
        what=f"the result of deliver_later({value!r}, {delay})",
        too_fast="it should arrive only after `delay` seconds",
        too_slow="it should arrive right after `delay` seconds",
    )


@pytest.mark.points(2)
async def test_first_result(scene: Scene) -> None:
    """first_done returns the result of whichever awaitable finishes first"""
    await expect_async(scene.submission, "first_done")
    await first_done(scene,
        detail=" (the result of the one done after {after} s)",
    )  # fmt: skip


@pytest.mark.points(2)
async def test_cancels_the_others(scene: Scene) -> None:
    """first_done cancels all the others before it returns"""
    call, _, winner = await first_done(scene)
    expect_others_cancelled(scene.recorder, winner, call)
    left = scene.submission.last.pending
    assert not left, (
        f"when {call} returned, {left} task(s) it started were still pending: cancel every "
        "other awaitable (wrap coroutines with asyncio.ensure_future so they can be "
        "cancelled), then await them, e.g. with asyncio.gather(*others, return_exceptions=True)"
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """deliver_later never blocks the loop; first_done runs on it: no threads, never blocked"""
    value, delay = scene.durations.choose(VALUES, 1)[0], scene.durations.between(0.2, 0.3)
    call = await scene.submission.call_in_loop("deliver_later", (value, delay))
    what = f"deliver_later({value!r}, {delay})"
    expect_waited(call.elapsed, delay, what=f"the result of {what}",
                  hint="it should arrive only after `delay` seconds")  # fmt: skip
    expect_on_the_loop(
        call, what=what,
        hint="return the future at once, and let loop.call_later(delay, ...) fill it later",
    )  # fmt: skip
    aws, delays, winner = race(scene)
    await scene.submission.first_done(aws)
    called = f"first_done({describe(aws, delays)})"
    expect_on_the_loop(
        scene.submission.last, what=called,
        at_least=delays[winner],
        too_fast="it cannot have a result before one is done",
        hint="wait for the first one with `await asyncio.wait(..., "
        "return_when=asyncio.FIRST_COMPLETED)` on the running loop",
    )  # fmt: skip
