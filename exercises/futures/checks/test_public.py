"""futures: the checks a student can run."""

from __future__ import annotations

from typing import Any

import pytest

from grader import proxy
from grader.assertions import expect_async, expect_plain
from grader.proxy import Made, Submission
from grader.sandbox import Call
from grader.timing import Durations, Recorder, expect_concurrent, expect_within

VALUES: list[Any] = ["your burger", 42, 3.5, [1, 2, 3], {"order": 17, "items": ["fries", "cola"]}]
KINDS = {"coroutine": proxy.coroutine, "task": proxy.task, "future": proxy.future}


async def deliver(submission: Submission, value: Any, delay: float) -> Call:
    """deliver_later(value, delay), called inside a running loop; its future is awaited."""
    call = await submission.call_in_loop("deliver_later", (value, delay))
    what = f"deliver_later({value!r}, {delay})"
    returned = call.returned
    assert returned.get("future"), (
        f"{what} returned a {returned.get('type', 'value')}, but it should return an "
        "asyncio.Future: make one with asyncio.get_running_loop().create_future()"
    )
    assert call.value == value, (
        f"the future {what} returned got the result {call.value!r}, but it should get {value!r}"
    )
    return call


def result_of(key: str) -> str:
    """What each awaitable handed to first_done returns."""
    return f"answer from {key}"


def race(
    durations: Durations, recorder: Recorder, winner: str | None = None
) -> tuple[list[Made], dict[str, float], str]:
    """Awaitables of every kind for first_done; the slowest comes first, the winner later.

    The winner is far quicker than the rest (about 0.15 s ahead), so the losers
    are still waiting when it is done, even on a busy machine. There is always
    a coroutine, a task and a future among the losers.
    """
    winner_kind = winner or durations.choose(list(KINDS), 1)[0]
    losers = sorted(durations.distinct(3, 0.22, 0.4, gap=0.05), reverse=True)
    fastest = durations.between(0.04, 0.07)
    loser_kinds = durations.choose(list(KINDS), 3)
    where = durations.rng.randint(1, 3)  # never first in the list
    entries = list(zip(loser_kinds, losers, strict=True))
    entries.insert(where, (winner_kind, fastest))
    names = [f"mirror {i}" for i in durations.choose(range(1, 100), len(entries))]
    delays = {name: wait for name, (_, wait) in zip(names, entries, strict=True)}
    fetch = recorder.sleeper(delays, result_of)
    aws = [KINDS[kind](fetch, name) for name, (kind, _) in zip(names, entries, strict=True)]
    return aws, delays, names[where]


def describe(aws: list[Made], delays: dict[str, float]) -> str:
    """The awaitables of a race, as a student can read them."""
    kinds = {"coro": "coroutine", "task": "task", "future": "future"}
    parts = [f"{kinds[aw.kind]} done after {delays[aw.args[0]]} s" for aw in aws]
    return "[" + ", ".join(parts) + "]"


def which(returned: object, delays: dict[str, float]) -> str:
    """What a wrong answer of first_done was, for its message."""
    for name, wait in delays.items():
        if returned == result_of(name):
            return f"{returned!r}, the result of the one done after {wait} s"
    return repr(returned)


@pytest.mark.points(1)
async def test_returns_pending_future(submission: Submission, durations: Durations) -> None:
    """deliver_later returns a pending asyncio.Future at once"""
    await expect_plain(submission, "deliver_later")
    value, delay = durations.choose(VALUES, 1)[0], durations.between(0.15, 0.3)
    call = await deliver(submission, value, delay)
    what = f"deliver_later({value!r}, {delay})"
    assert call.returned.get("pending"), (
        f"the future {what} returned was already done; it should be pending, and get its "
        "result only after `delay` seconds (loop.call_later runs a function later)"
    )
    assert call.returned_at is not None
    expect_within(
        call.returned_at - call.started, 0.0, what=f"{what} itself",
        about="it should return at once, in about",
        hint="don't wait inside deliver_later: let loop.call_later fill the future later",
    )  # fmt: skip


@pytest.mark.points(1)
async def test_result_after_delay(submission: Submission, durations: Durations) -> None:
    """the future's result becomes the value after about `delay` seconds"""
    value, delay = durations.choose(VALUES, 1)[0], durations.between(0.1, 0.3)
    call = await deliver(submission, value, delay)
    expect_concurrent(
        call.elapsed,
        delay,
        what=f"the result of deliver_later({value!r}, {delay})",
        too_fast="it should arrive only after `delay` seconds",
        too_slow="it should arrive right after `delay` seconds",
    )


@pytest.mark.points(2)
async def test_first_result(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """first_done returns the result of whichever awaitable finishes first"""
    await expect_async(submission, "first_done")
    aws, delays, winner = race(durations, recorder)
    returned = await submission.first_done(aws)
    assert returned == result_of(winner), (
        f"first_done({describe(aws, delays)}) should return {result_of(winner)!r} (the "
        f"result of the one done after {delays[winner]} s), but returned {which(returned, delays)}"
    )


@pytest.mark.points(2)
async def test_cancels_the_others(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """first_done cancels all the others before it returns"""
    aws, delays, winner = race(durations, recorder)
    returned = await submission.first_done(aws)
    call = f"first_done({describe(aws, delays)})"
    assert returned == result_of(winner), (
        f"{call} should return {result_of(winner)!r}, but returned {which(returned, delays)}"
    )
    finished = [s.key for s in recorder.spans if s.key != winner and s.ended and not s.cancelled]
    assert not finished, (
        f"{call} let {len(finished)} of the others run to their end; cancel them as soon as "
        "the first one is done"
    )
    left = submission.last.pending
    assert not left, (
        f"when {call} returned, {left} task(s) it started were still pending: cancel every "
        "other awaitable (wrap coroutines with asyncio.ensure_future so they can be "
        "cancelled), then await them, e.g. with asyncio.gather(*others, return_exceptions=True)"
    )
