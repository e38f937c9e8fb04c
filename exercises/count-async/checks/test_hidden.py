"""count-async: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Submission,
    expect_concurrent,
    expect_in_order,
    expect_responsive,
    expect_type,
    expect_within,
    printed_numbers,
    sibling,
)

pauses_on = sibling(__file__).pauses_on


@pytest.mark.points(1)
async def test_does_not_block_the_loop(submission: Submission, durations: Durations) -> None:
    """does not block the event loop while it waits"""
    waits = durations.distinct(3, 0.15, 0.3)
    n = durations.rng.randint(12, 30)
    pauses = pauses_on(durations, n, waits)
    await submission.count(n, pauses)
    call = submission.last
    expect_in_order(
        printed_numbers(call),
        {k: pauses.get(k, 0.0) for k in range(1, n + 1)},
        what=f"the numbers count({n}, {pauses}) printed",
        hint="does every number wait for its own pause only, all at the same time?",
    )
    expect_responsive(call, what=f"count({n}, {pauses})")
    expect_concurrent(call.elapsed, max(pauses.values()), what=f"count({n}, {pauses})")


@pytest.mark.points(1)
async def test_defaults(submission: Submission) -> None:
    """with no arguments, prints 1 to 30 at once"""
    returned = await submission.count()
    call = submission.last
    assert printed_numbers(call) == list(range(1, 31)), (
        f"count() should print 1 to 30 in order, but printed {call.output}"
    )
    expect_type(returned, list, what="the value count() returned")
    assert returned == list(range(1, 31)), f"count() should return [1, ..., 30], not {returned}"
    expect_within(call.elapsed, 0.0, what="count()", about="with no pauses it takes about",
                  hint="did it sleep?")  # fmt: skip
