"""count-sync: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Submission,
    expect_type,
    expect_waited,
    expect_within,
    printed_numbers,
)

from .common import pauses_on, taken


@pytest.mark.points(2)
async def test_defaults(submission: Submission) -> None:
    """with no arguments, counts 1 to 30 without sleeping"""
    returned = await submission.count()
    printed = printed_numbers(submission.last)
    assert printed == list(range(1, 31)), f"count() should print 1 to 30, but printed {printed}"
    expect_type(returned, (float, int), what="the value count() returned")
    assert 0 <= returned <= submission.last.elapsed + 0.01, (
        f"count() returned {returned!r}, but the call took {submission.last.elapsed:.3f} s"
    )
    expect_within(
        submission.last.elapsed,
        0.0,
        what="count() with no pauses",
        about="it should take about",
        hint="did it sleep?",
    )


@pytest.mark.points(2)
async def test_elapsed_matches_many_pauses(submission: Submission, durations: Durations) -> None:
    """the returned time matches the real time, however many pauses there are"""
    n = durations.rng.randint(15, 30)
    pauses = pauses_on(durations, n, durations.distinct(5, 0.03, 0.16))
    returned = await submission.count(n, pauses)
    expect_type(returned, (float, int), what=f"the value count({n}, {pauses}) returned")
    # Timed on the pauses before the numbers it printed: which numbers those are is
    # the order checks' business (see common.taken).
    total, measured = taken(pauses, submission.last), submission.last.elapsed
    what = f"count({n}, {pauses})"
    expect_waited(measured, total, what=what, hint="did it skip a pause?")
    expect_within(measured, total, what=what, about="its pauses add up to", hint="extra sleeping?")
    assert total - 0.005 <= returned <= measured + 0.01, (
        f"count returned {returned:.3f} s; the pauses add up to {total:.3f} s and the call took "
        f"{measured:.3f} s, so the right figure lies between the two"
    )
