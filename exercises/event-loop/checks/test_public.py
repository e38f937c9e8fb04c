"""event-loop: the checks a student can run."""

from __future__ import annotations

import pytest

from grader import proxy
from grader.assertions import expect_plain, expect_type
from grader.proxy import Made, Submission
from grader.sandbox import Call
from grader.timing import Durations, Recorder, expect_concurrent


def coroutines(
    durations: Durations, recorder: Recorder, waits: list[float]
) -> tuple[list[Made], dict[str, float]]:
    """Coroutine objects that wait these times, listed so that the quickest is not first."""
    if len(waits) > 1 and waits == sorted(waits):
        waits = waits[1:] + waits[:1]
    names = [f"job {i}" for i in durations.choose(range(1, 100), len(waits))]
    delays = dict(zip(names, waits, strict=True))
    job = recorder.sleeper(delays, result_of)
    return [proxy.coroutine(job, name) for name in names], delays


def result_of(name: str) -> str:
    """What each coroutine returns."""
    return f"result of {name}"


def expect_results(returned: object, delays: dict[str, float], *, in_order: bool = True) -> None:
    """run_in_new_loop returned every coroutine's result (in their order, when asked)."""
    what = f"run_in_new_loop(<coroutines {list(delays)}>)"
    expect_type(returned, list, what=f"the value {what} returned")
    assert isinstance(returned, list)
    expected = [result_of(name) for name in delays]
    if not in_order and sorted(map(repr, returned)) == sorted(map(repr, expected)):
        return  # every result is there; the order is another check's business
    assert returned == expected, (
        f"{what} should return {expected} (the results in the order of the coroutines), but "
        f"returned {returned}"
    )


def expect_closed(call: Call, what: str) -> None:
    """The call made an event loop of its own, and closed it."""
    assert call.loops, (
        f"{what} created no event loop; create a new one with asyncio.new_event_loop()"
    )
    still_open = [loop for loop in call.loops if not loop.get("closed")]
    assert not still_open, (
        f"{what} left {len(still_open)} event loop(s) open; close the loop with loop.close() "
        "before returning (in a `finally:` block)"
    )


@pytest.mark.points(2)
async def test_results_in_order(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """returns the coroutines' results in the order of the list"""
    await expect_plain(submission, "run_in_new_loop")
    coros, delays = coroutines(durations, recorder, durations.distinct(4, 0.04, 0.25, gap=0.06))
    returned = await submission.run_in_new_loop(coros)
    expect_results(returned, delays)


@pytest.mark.points(2)
async def test_takes_the_slowest(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """runs the coroutines concurrently: takes about as long as the slowest"""
    coros, delays = coroutines(durations, recorder, durations.spread(shortest=0.04, longest=0.3))
    returned = await submission.run_in_new_loop(coros)
    expect_results(returned, delays, in_order=False)
    expect_concurrent(
        submission.last.elapsed,
        max(delays.values()),
        what=f"run_in_new_loop(<coroutines that take {list(delays.values())} s>)",
        sequential=sum(delays.values()),
        too_slow="did it run one coroutine after another (run_until_complete once per "
        "coroutine)? Run them all at once, e.g. gather them in one coroutine",
    )


@pytest.mark.points(1)
async def test_closes_its_loop(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """creates a new event loop and closes it before returning"""
    coros, delays = coroutines(durations, recorder, durations.distinct(3, 0.04, 0.15, gap=0.03))
    returned = await submission.run_in_new_loop(coros)
    expect_results(returned, delays, in_order=False)
    expect_closed(submission.last, "run_in_new_loop")
