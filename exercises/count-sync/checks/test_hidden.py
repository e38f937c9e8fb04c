"""count-sync: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_type,
    expect_waited,
    expect_within,
    printed_numbers,
)

from .common import count_timed


@pytest.mark.points(2)
async def test_defaults(scene: Scene) -> None:
    """with no arguments, counts 1 to 30 without sleeping"""
    returned = await scene.submission.count()
    printed = printed_numbers(scene.submission.last)
    assert printed == list(range(1, 31)), f"count() should print 1 to 30, but printed {printed}"
    expect_type(returned, (float, int), what="the value count() returned")
    assert 0 <= returned <= scene.submission.last.elapsed + 0.01, (
        f"count() returned {returned!r}, but the call took {scene.submission.last.elapsed:.3f} s"
    )
    expect_within(
        scene.submission.last.elapsed,
        0.0,
        what="count() with no pauses",
        about="it should take about",
        hint="did it sleep?",
    )


@pytest.mark.points(2)
async def test_elapsed_matches_many_pauses(scene: Scene) -> None:
    """the returned time matches the real time, however many pauses there are"""
    c = await count_timed(scene, (15, 30), 5, 0.03, 0.16)
    expect_waited(c.measured, c.waited, what=c.what, hint="did it skip a pause?")
    expect_within(
        c.measured, c.waited, what=c.what, about="its pauses add up to", hint="extra sleeping?"
    )
    assert c.waited - 0.005 <= c.returned <= c.measured + 0.01, (
        f"count returned {c.returned:.3f} s; the pauses add up to {c.waited:.3f} s and the call "
        f"took {c.measured:.3f} s, so the right figure lies between the two"
    )
