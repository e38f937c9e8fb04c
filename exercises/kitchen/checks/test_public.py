"""kitchen: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    TOGETHER,
    Durations,
    Submission,
    expect_async,
    expect_on_the_loop,
    expect_uses,
    expect_waited,
    expect_within,
)

from .common import breakfast, cook, expect_finishing_order, expect_slowest_dish, menu_of


@pytest.mark.points(1)
async def test_cook_returns_the_dish(submission: Submission, durations: Durations) -> None:
    """cook(dish, seconds) returns the dish after waiting its seconds"""
    await expect_async(submission, "cook")
    what, seconds = await cook(submission, durations, 0.1, 0.25)
    expect_within(submission.last.elapsed, seconds, what=what, about="it should take about",
                  hint="does it wait longer than `seconds`?")  # fmt: skip


@pytest.mark.points(2)
async def test_finishing_order(submission: Submission, durations: Durations) -> None:
    """make_breakfast returns the dishes in the order they finished cooking"""
    await expect_async(submission, "make_breakfast")
    # Cooking times at least 0.06 s apart: a wrong order is never a mere load-induced swap.
    menu, returned = await breakfast(
        submission, durations, durations.distinct(4, 0.04, 0.34, gap=0.09)
    )
    expect_finishing_order(
        submission.last.elapsed,
        menu,
        returned,
        "start every dish at once, and note each one the moment it is ready "
        "(the quickest dish is ready first)",
    )


@pytest.mark.points(2)
async def test_takes_the_slowest_dish(submission: Submission, durations: Durations) -> None:
    """make_breakfast takes about as long as the slowest dish, not the sum"""
    menu, _ = await breakfast(submission, durations, durations.spread(shortest=0.04, longest=0.3))
    expect_slowest_dish(
        submission.last.elapsed,
        menu,
        what=f"make_breakfast({menu})",
        too_slow="were the dishes cooked one after another (awaiting each before starting the "
        "next, or cook using time.sleep)?",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(submission: Submission, durations: Durations) -> None:
    """make_breakfast cooks the dishes as tasks on its loop: no threads, never blocked"""
    menu = menu_of(durations, durations.distinct(3, 0.15, 0.3, gap=0.04))
    await submission.make_breakfast(menu)
    expect_waited(submission.last.elapsed, min(menu.values()), what=f"make_breakfast({menu})",
                  hint="did it really cook (wait for) the dishes?")  # fmt: skip
    expect_on_the_loop(
        submission.last,
        what=f"make_breakfast({menu})",
        hint="cook the dishes as tasks on the loop make_breakfast runs on, and let cook wait "
        "with `await asyncio.sleep(seconds)`",
    )
    expect_uses(
        submission,
        TOGETHER,
        what=f"make_breakfast({menu})",
        why="without them, the dishes are cooked (waited for) one after another",
        hint="cook every dish at once: a task per cook(dish, seconds), with asyncio.gather, "
        "asyncio.create_task or a TaskGroup",
    )
