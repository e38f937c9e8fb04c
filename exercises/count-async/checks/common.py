"""count-async: helpers the public and the hidden checks share."""

from __future__ import annotations

from grader.checks import ORDER_JITTER, Durations


def pauses_on(durations: Durations, n: int, waits: list[float]) -> dict[int, float]:
    """Pauses with these lengths on number 1 and on other numbers of 1..n.

    Number 1 always pauses, and longer than the order jitter: the printed
    order is then never plain ascending, so code that prints before it
    pauses, or returns the numbers sorted, is wrong on every draw (and not
    only when the paused numbers happen to be scattered).
    """
    long_ones = [w for w in waits if w > ORDER_JITTER + 0.01]
    if not long_ones:
        raise ValueError("number 1 needs a pause longer than the order jitter")
    first = durations.choose(long_ones, 1)[0]
    others = list(waits)
    others.remove(first)
    keys = durations.choose(range(2, n + 1), len(others))
    return {1: first, **dict(zip(keys, durations.choose(others, len(others)), strict=True))}
