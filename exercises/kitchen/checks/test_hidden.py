"""kitchen: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Submission,
    expect_on_the_loop,
)

from .common import breakfast, cook, expect_finishing_order, expect_slowest_dish


@pytest.mark.points(1)
async def test_cook_does_not_block(submission: Submission, durations: Durations) -> None:
    """cook waits on the event loop it was called on, and never blocks it"""
    what, _ = await cook(submission, durations, 0.2, 0.3)
    expect_on_the_loop(
        submission.last, what=what, hint="wait with `await asyncio.sleep(seconds)`, not time.sleep"
    )


@pytest.mark.points(1)
async def test_close_finishes(submission: Submission, durations: Durations) -> None:
    """make_breakfast keeps the finishing order when dishes finish close together"""
    menu, returned = await breakfast(
        submission, durations, durations.distinct(7, 0.05, 0.3, gap=0.035)
    )
    expect_finishing_order(
        submission.last.elapsed,
        menu,
        returned,
        "note each dish the moment it is ready, not in menu order",
    )


@pytest.mark.points(1)
async def test_big_menu(submission: Submission, durations: Durations) -> None:
    """a big menu still takes about as long as its slowest dish"""
    menu, _ = await breakfast(submission, durations, durations.distinct(10, 0.06, 0.2, gap=0.014))
    expect_slowest_dish(
        submission.last.elapsed,
        menu,
        what=f"make_breakfast of {len(menu)} dishes (the slowest {max(menu.values())} s)",
        too_slow="were the dishes cooked one after another?",
    )
