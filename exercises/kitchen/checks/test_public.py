"""kitchen: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    TOGETHER,
    Scene,
    expect_async,
    expect_on_the_loop,
    expect_uses,
    expect_within,
)

from .common import breakfast, cook, expect_finishing_order, expect_slowest_dish, menu_of


@pytest.mark.points(1)
async def test_cook_returns_the_dish(scene: Scene) -> None:
    """cook(dish, seconds) returns the dish after waiting its seconds"""
    await expect_async(scene.submission, "cook")
    what, seconds = await cook(scene, 0.1, 0.25)
    expect_within(scene.submission.last.elapsed, seconds, what=what, about="it should take about",
                  hint="does it wait longer than `seconds`?")  # fmt: skip


@pytest.mark.points(2)
async def test_finishing_order(scene: Scene) -> None:
    """make_breakfast returns the dishes in the order they finished cooking"""
    await expect_async(scene.submission, "make_breakfast")
    # Cooking times at least 0.06 s apart: a wrong order is never a mere load-induced swap.
    menu, returned = await breakfast(scene, scene.durations.distinct(4, 0.04, 0.34, gap=0.09))
    expect_finishing_order(
        scene.submission.last.elapsed,
        menu,
        returned,
        "start every dish at once, and note each one the moment it is ready "
        "(the quickest dish is ready first)",
    )


@pytest.mark.points(2)
async def test_takes_the_slowest_dish(scene: Scene) -> None:
    """make_breakfast takes about as long as the slowest dish, not the sum"""
    menu, _ = await breakfast(scene, scene.durations.spread(shortest=0.04, longest=0.3))
    expect_slowest_dish(
        scene.submission.last.elapsed,
        menu,
        what=f"make_breakfast({menu})",
        too_slow="were the dishes cooked one after another (awaiting each before starting the "
        "next, or cook using time.sleep)?",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """make_breakfast cooks the dishes as tasks on its loop: no threads, never blocked"""
    menu = menu_of(scene.durations, scene.durations.distinct(3, 0.15, 0.3, gap=0.04))
    await scene.submission.make_breakfast(menu)
    expect_on_the_loop(
        scene.submission.last,
        what=f"make_breakfast({menu})",
        at_least=min(menu.values()),
        too_fast="did it really cook (wait for) the dishes?",
        hint="cook the dishes as tasks on the loop make_breakfast runs on, and let cook wait "
        "with `await asyncio.sleep(seconds)`",
    )
    expect_uses(
        scene.submission,
        TOGETHER,
        what=f"make_breakfast({menu})",
        why="without them, the dishes are cooked (waited for) one after another",
        hint="cook every dish at once: a task per cook(dish, seconds), with asyncio.gather, "
        "asyncio.create_task or a TaskGroup",
    )
