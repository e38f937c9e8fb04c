"""kitchen: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.assertions import expect_async, expect_type
from grader.proxy import Submission
from grader.timing import (
    Durations,
    expect_concurrent,
    expect_in_order,
    expect_waited,
    expect_within,
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
async def test_cook_returns_the_dish(submission: Submission, durations: Durations) -> None:
    """cook(dish, seconds) returns the dish after waiting its seconds"""
    await expect_async(submission, "cook")
    dish, seconds = durations.choose(DISHES, 1)[0], durations.between(0.1, 0.25)
    returned = await submission.cook(dish, seconds)
    what = f"cook({dish!r}, {seconds})"
    assert returned == dish, f"{what} should return {dish!r}, but returned {returned!r}"
    expect_waited(submission.last.elapsed, seconds, what=what,
                  hint=f"it should wait {seconds} s before it returns the dish")  # fmt: skip
    expect_within(submission.last.elapsed, seconds, what=what, about="it should take about",
                  hint="does it wait longer than `seconds`?")  # fmt: skip


@pytest.mark.points(2)
async def test_finishing_order(submission: Submission, durations: Durations) -> None:
    """make_breakfast returns the dishes in the order they finished cooking"""
    await expect_async(submission, "make_breakfast")
    # Cooking times at least 0.06 s apart: a wrong order is never a mere load-induced swap.
    menu = menu_of(durations, durations.distinct(4, 0.04, 0.34, gap=0.09))
    returned = await submission.make_breakfast(menu)
    expect_every_dish(returned, menu)
    expect_in_order(
        returned,
        menu,
        what=f"the dishes make_breakfast({menu}) returned",
        hint="start every dish at once, and note each one the moment it is ready "
        "(the quickest dish is ready first)",
    )
    expect_waited(submission.last.elapsed, max(menu.values()), what=f"make_breakfast({menu})",
                  hint="did it really cook (wait for) every dish?")  # fmt: skip


@pytest.mark.points(2)
async def test_takes_the_slowest_dish(submission: Submission, durations: Durations) -> None:
    """make_breakfast takes about as long as the slowest dish, not the sum"""
    menu = menu_of(durations, durations.spread(shortest=0.04, longest=0.3))
    returned = await submission.make_breakfast(menu)
    expect_every_dish(returned, menu)
    expect_concurrent(
        submission.last.elapsed,
        max(menu.values()),
        what=f"make_breakfast({menu})",
        sequential=sum(menu.values()),
        too_fast="did it really cook (wait for) every dish?",
        too_slow="were the dishes cooked one after another (awaiting each before starting the "
        "next, or cook using time.sleep)?",
    )
