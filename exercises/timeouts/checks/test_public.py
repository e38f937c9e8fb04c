"""timeouts: the checks a student can run."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    Durations,
    Recorder,
    Submission,
    expect_async,
    expect_concurrent,
    expect_cut_off,
    expect_entries,
    expect_on_the_loop,
    expect_waited,
)


def shops(durations: Durations) -> tuple[float, dict[str, float], list[str]]:
    """A timeout, how long each shop takes, and which shops are too slow.

    Fast shops answer well within the timeout, slow ones well after it; the
    list starts with a slow shop, and fast and slow ones are mixed.
    """
    timeout = durations.between(0.2, 0.25)
    fast = durations.distinct(durations.rng.randint(2, 3), 0.03, timeout / 2, gap=0.015)
    slow = durations.distinct(durations.rng.randint(2, 3), timeout + 0.1, timeout + 0.3, gap=0.04)
    names = [f"shop-{n}" for n in durations.choose(range(10, 100), len(fast) + len(slow))]
    waits = slow[:1] + durations.choose(fast + slow[1:], len(fast) + len(slow) - 1)
    plan = dict(zip(names, waits, strict=True))
    return timeout, plan, [name for name, wait in plan.items() if wait > timeout]


def price(key: Any) -> str:
    return f"price from {key}"


async def fetch_with_timeout(
    submission: Submission, recorder: Recorder, plan: dict[str, float], timeout: float
) -> Any:
    fetch = recorder.sleeper(plan, result=price)
    return await submission.fetch_with_timeout(fetch, list(plan), timeout)


def expect_results(returned: Any, plan: dict[str, float], slow: list[str], timeout: float) -> None:
    """Fast keys map to their results, slow keys to None."""

    def mismatch(key: str, got: Any) -> str:
        wait = plan[key]
        if key in slow:
            return (
                f"fetch({key!r}) takes {wait:.2f} s, longer than the timeout of {timeout:.2f} s, "
                f"so {key!r} should map to None, but it maps to {got!r}; "
                "give up on a fetch when its time is up"
            )
        return (
            f"fetch({key!r}) takes {wait:.2f} s, within the timeout of {timeout:.2f} s, so "
            f"{key!r} should map to its result {price(key)!r}, but it maps to {got!r}; give "
            "each fetch its own timeout, so that a slow one does not cost the others their results"
        )

    expected = {key: None if key in slow else price(key) for key in plan}
    expect_entries(
        returned,
        expected,
        what="fetch_with_timeout",
        mismatch=mismatch,
        # `is None`, not `== None`: a result of the fetch's own is never None here
        matches=lambda key, got: got is None if key in slow else got == price(key),
        # A fast fetch given up on: on a busy machine its result can reach the
        # submission after the timeout, so that is retried (with the same cases).
        load=lambda key, got: key not in slow and got is None,
    )


@pytest.mark.points(2)
async def test_results_and_none(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """returns each fast fetch's result, and None for each slow one"""
    await expect_async(submission, "fetch_with_timeout")
    timeout, plan, slow = shops(durations)
    returned = await fetch_with_timeout(submission, recorder, plan, timeout)
    expect_results(returned, plan, slow, timeout)


@pytest.mark.points(2)
async def test_gives_up_at_the_timeout(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """gives up on the slow ones: takes about `timeout`, not the slowest fetch"""
    timeout, plan, slow = shops(durations)
    returned = await fetch_with_timeout(submission, recorder, plan, timeout)
    expect_results(returned, plan, slow, timeout)
    expect_concurrent(
        submission.last.elapsed,
        timeout,
        what=f"fetch_with_timeout with fetches taking {plan} and timeout {timeout}",
        sequential=sum(min(wait, timeout) for wait in plan.values()),
        too_fast="did it wait for the fast fetches?",
        too_slow="did it wait for the slow fetches, or run the fetches one after another?",
    )


@pytest.mark.points(2)
async def test_cancels_the_slow_fetches(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """cancels each slow fetch when its time is up, and leaves none running"""
    timeout, plan, slow = shops(durations)
    returned = await fetch_with_timeout(submission, recorder, plan, timeout)
    expect_results(returned, plan, slow, timeout)
    call = submission.last
    assert not call.pending, (
        f"when fetch_with_timeout returned, {call.pending} task(s) were still running on its "
        "event loop; cancel every fetch that is out of time, and wait until it has stopped "
        "(asyncio.wait_for and asyncio.timeout do both)"
    )
    for span in recorder.spans:
        if span.key in slow:
            expect_cut_off(
                span,
                timeout,
                call,
                what=f"fetch({span.key!r})",
                hint="cancel a fetch when its time is up: it then receives CancelledError",
            )


@pytest.mark.points(2)
async def test_runs_on_the_loop(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    timeout, plan, _ = shops(durations)
    await fetch_with_timeout(submission, recorder, plan, timeout)
    what = f"fetch_with_timeout with fetches taking {plan} and timeout {timeout}"
    expect_waited(submission.last.elapsed, min(plan.values()), what=what,
                  hint="did it wait for the fetches?")  # fmt: skip
    expect_on_the_loop(
        submission.last,
        what=what,
        hint="give each fetch its timeout on the running loop (asyncio.wait_for, or "
        "asyncio.timeout), and gather them",
    )
