"""futures: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_waited,
    expect_within,
)

from .common import KINDS, first_done


@pytest.mark.points(1)
async def test_takes_the_fastest(scene: Scene) -> None:
    """first_done takes about as long as the fastest awaitable"""
    call, delays, winner = await first_done(scene)
    elapsed, fastest = scene.submission.last.elapsed, delays[winner]
    expect_waited(elapsed, fastest, what=call, hint="it cannot have a result before one is done")
    expect_within(
        elapsed,
        fastest,
        what=call,
        about="it should return as soon as the first one is done, after about",
        hint="does it wait for more than the first one "
        "(asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED))?",
    )


@pytest.mark.points(1)
async def test_any_kind_can_win(scene: Scene) -> None:
    """first_done works whether a coroutine, a task or a future finishes first"""
    for kind in KINDS:
        detail = f" (the {kind} done after {{after}} s)"
        await first_done(scene, kind, detail)
