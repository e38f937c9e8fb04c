"""kitchen: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_on_the_loop,
)

from .common import breakfast, cook, expect_finishing_order, expect_slowest_dish


@pytest.mark.points(1)
async def test_cook_does_not_block(scene: Scene) -> None:
    """cook waits on the event loop it was called on, and never blocks it"""
    what, _ = await cook(scene, 0.2, 0.3)
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        hint="wait with `await asyncio.sleep(seconds)`, not time.sleep",
    )


@pytest.mark.points(1)
async def test_close_finishes(scene: Scene) -> None:
    """make_breakfast keeps the finishing order when dishes finish close together"""
    menu, returned = await breakfast(scene, scene.durations.distinct(7, 0.05, 0.3, gap=0.035))
    expect_finishing_order(
        scene.submission.last.elapsed,
        menu,
        returned,
        "note each dish the moment it is ready, not in menu order",
    )


@pytest.mark.points(1)
async def test_big_menu(scene: Scene) -> None:
    """a big menu still takes about as long as its slowest dish"""
    menu, _ = await breakfast(scene, scene.durations.distinct(10, 0.06, 0.2, gap=0.014))
    expect_slowest_dish(
        scene.submission.last.elapsed,
        menu,
        what=f"make_breakfast of {len(menu)} dishes (the slowest {max(menu.values())} s)",
        too_slow="were the dishes cooked one after another?",
    )
