"""kitchen: helpers the public and the hidden checks share."""

from __future__ import annotations

from typing import Any

from grader.checks import (
    Durations,
    Scene,
    expect_concurrent_waits,
    expect_in_order,
    expect_type,
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


async def breakfast(scene: Scene, times: list[float]) -> tuple[dict[str, float], Any]:
    """make_breakfast of a menu with these cooking times, which returned each dish once."""
    menu = menu_of(scene.durations, times)
    returned = await scene.submission.make_breakfast(menu)
    expect_every_dish(returned, menu)
    return menu, returned


def expect_all_cooked(elapsed: float, menu: dict[str, float]) -> None:
    """make_breakfast took at least as long as the slowest dish."""
    expect_waited(elapsed, max(menu.values()), what=f"make_breakfast({menu})",
                  hint="did it really cook (wait for) every dish?")  # fmt: skip


def expect_finishing_order(
    elapsed: float, menu: dict[str, float], returned: Any, hint: str
) -> None:
    """make_breakfast returned the dishes in the order they finished, and cooked every one."""
    expect_in_order(returned, menu, what=f"the dishes make_breakfast({menu}) returned", hint=hint)
    expect_all_cooked(elapsed, menu)


def expect_slowest_dish(
    elapsed: float, menu: dict[str, float], *, what: str, too_slow: str
) -> None:
    """make_breakfast took about as long as the slowest dish, far from the sum of them all."""
    expect_concurrent_waits(
        elapsed,
        menu.values(),
        what=what,
        too_fast="did it really cook (wait for) every dish?",
        too_slow=too_slow,
    )


async def cook(scene: Scene, shortest: float, longest: float) -> tuple[str, float]:
    """cook(dish, seconds) on a drawn dish: it must return the dish, after waiting its seconds.

    The call as a student reads it and its seconds come back; what the
    grader saw of it is `submission.last`.
    """
    dish, seconds = scene.durations.choose(DISHES, 1)[0], scene.durations.between(shortest, longest)
    returned = await scene.submission.cook(dish, seconds)
    what = f"cook({dish!r}, {seconds})"
    assert returned == dish, f"{what} should return {dish!r}, but returned {returned!r}"
    expect_waited(scene.submission.last.elapsed, seconds, what=what,
                  hint=f"it should wait {seconds} s before it returns the dish")  # fmt: skip
    return what, seconds
