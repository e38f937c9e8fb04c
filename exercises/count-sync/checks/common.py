"""count-sync: helpers the public and the hidden checks share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.checks import Call, Durations, Scene, expect_type, printed_numbers


def pauses_on(durations: Durations, n: int, waits: list[float]) -> dict[int, float]:
    """Pauses with these lengths (in random order) on 1, on n, and on other numbers.

    The first and the last number always pause: a loop that is off by one
    (`range(n)`, `range(1, n)`, or sleeping after the print) then misses or
    misplaces a pause on every draw, not only when the draw happens to hit an
    end of the count.
    """
    if len(waits) < 2:
        raise ValueError("pauses on 1 and on n need two waits at least")
    keys = [1, n, *durations.choose(range(2, n), len(waits) - 2)]
    lengths = durations.choose(waits, len(waits))
    return dict(sorted(zip(keys, lengths, strict=True)))


def taken(pauses: dict[int, float], call: Call) -> float:
    """The pauses due before the numbers the call printed: what its time must cover.

    A count that prints the wrong numbers (`range(n)`: 0 to n-1) never reaches
    the pause on n; that costs it the checks about which numbers print, and
    its time is judged on the pauses it had reason to take.
    """
    printed = set(printed_numbers(call))
    return sum(wait for k, wait in pauses.items() if k in printed)


@dataclass(frozen=True)
class Counted:
    """A timed count: what it was called with, what it returned, and its times."""

    what: str
    returned: Any
    waited: float  # the pauses before the numbers it printed (`taken`)
    measured: float  # how long the call took, on the grader's clock


async def count_timed(
    scene: Scene, most: tuple[int, int], pauses: int, shortest: float, longest: float
) -> Counted:
    """count(n, pauses) with n drawn from `most` and `pauses` distinct pauses on it.

    What count returned must be a number. Its pauses are timed on those before
    the numbers it printed: which numbers those are is the order checks' business.
    """
    n = scene.durations.rng.randint(*most)
    drawn = pauses_on(scene.durations, n, scene.durations.distinct(pauses, shortest, longest))
    returned = await scene.submission.count(n, drawn)
    expect_type(returned, (float, int), what=f"the value count({n}, {drawn}) returned")
    call = scene.submission.last
    return Counted(f"count({n}, {drawn})", returned, taken(drawn, call), call.elapsed)
