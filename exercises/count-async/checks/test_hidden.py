"""count-async: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_type,
    expect_within,
    printed_numbers,
)


@pytest.mark.points(1)
async def test_defaults(scene: Scene) -> None:
    """with no arguments, prints 1 to 30 at once"""
    returned = await scene.submission.count()
    call = scene.submission.last
    assert printed_numbers(call) == list(range(1, 31)), (
        f"count() should print 1 to 30 in order, but printed {call.output}"
    )
    expect_type(returned, list, what="the value count() returned")
    assert returned == list(range(1, 31)), f"count() should return [1, ..., 30], not {returned}"
    expect_within(call.elapsed, 0.0, what="count()", about="with no pauses it takes about",
                  hint="did it sleep?")  # fmt: skip
