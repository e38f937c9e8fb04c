"""kitchen: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.assertions import expect_type
from grader.proxy import Submission
from grader.timing import (
    Durations,
    expect_concurrent,
    expect_in_order,
    expect_responsive,
    expect_waited,
)

DISHES = [
    "eggs", "toast", "coffee", "bacon", "porridge", "pancakes", "tea", "beans",
    "waffles", "muffin", "omelette", "hash browns", "juice", "sausages",
]  # fmt: skip


def menu_of(durations: Durations, times: list[float]) -> dict[str, float]:
    """A menu with these cooking times, listed in an order that is not the finishing order."""
    names = durations.choose(DISHES, len(times))
    if len(times) > 1 and times == sorted(times):
        times = times[1:] + times[:1]  # the quickest dish must not come first on the menu
    return dict(zip(names, times, strict=True))


def expect_every_dish(returned: object, menu: dict[str, float]) -> None:
    """make_breakfast returned a list with each dish of the menu once."""
    expect_type(returned, list, what=f"the value make_breakfast({menu}) returned")
    assert isinstance(returned, list)
    if sorted(map(str, returned)) != sorted(menu) or len(returned) != len(menu):
        raise AssertionError(
            f"make_breakfast({menu}) should return each dish of the menu once, but returned "
            f"{returned}; does cook return its dish, and does make_breakfast collect them all?"
        )


@pytest.mark.points(1)
async def test_cook_does_not_block(submission: Submission, durations: Durations) -> None:
    """cook does not block the event loop while it waits"""
    dish, seconds = durations.choose(DISHES, 1)[0], durations.between(0.2, 0.3)
    returned = await submission.cook(dish, seconds)
    what = f"cook({dish!r}, {seconds})"
    assert returned == dish, f"{what} should return {dish!r}, but returned {returned!r}"
    expect_waited(submission.last.elapsed, seconds, what=what,
                  hint=f"it should wait {seconds} s before it returns the dish")  # fmt: skip
    expect_responsive(submission.last, what=what)


@pytest.mark.points(1)
async def test_breakfast_does_not_block(submission: Submission, durations: Durations) -> None:
    """make_breakfast does not block the event loop while the dishes cook"""
    menu = menu_of(durations, durations.distinct(3, 0.15, 0.3, gap=0.04))
    returned = await submission.make_breakfast(menu)
    expect_every_dish(returned, menu)
    what = f"make_breakfast({menu})"
    expect_waited(submission.last.elapsed, max(menu.values()), what=what,
                  hint="did it really cook (wait for) every dish?")  # fmt: skip
    expect_responsive(submission.last, what=what)


@pytest.mark.points(2)
async def test_close_finishes(submission: Submission, durations: Durations) -> None:
    """make_breakfast keeps the finishing order when dishes finish close together"""
    menu = menu_of(durations, durations.distinct(7, 0.05, 0.3, gap=0.035))
    returned = await submission.make_breakfast(menu)
    expect_every_dish(returned, menu)
    expect_in_order(
        returned,
        menu,
        what=f"the dishes make_breakfast({menu}) returned",
        hint="note each dish the moment it is ready, not in menu order",
    )
    expect_waited(submission.last.elapsed, max(menu.values()), what=f"make_breakfast({menu})",
                  hint="did it really cook (wait for) every dish?")  # fmt: skip


@pytest.mark.points(1)
async def test_big_menu(submission: Submission, durations: Durations) -> None:
    """a big menu still takes about as long as its slowest dish"""
    times = durations.distinct(10, 0.06, 0.2, gap=0.014)
    menu = menu_of(durations, times)
    returned = await submission.make_breakfast(menu)
    expect_every_dish(returned, menu)
    expect_concurrent(
        submission.last.elapsed,
        max(menu.values()),
        what=f"make_breakfast of {len(menu)} dishes (the slowest {max(menu.values())} s)",
        sequential=sum(menu.values()),
        too_fast="did it really cook (wait for) every dish?",
        too_slow="were the dishes cooked one after another?",
    )
