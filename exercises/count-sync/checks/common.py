"""count-sync: helpers the public and the hidden checks share."""

from __future__ import annotations

from grader.checks import Call, Durations, printed_numbers


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
