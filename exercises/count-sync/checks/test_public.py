"""count-sync: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_plain,
    expect_printed_on_time,
    expect_slept,
    printed_numbers,
)

from .common import count_timed, pauses_on


def numbered(pauses: dict[int, float], n: int) -> dict[str, float]:
    """When each number is due: after every pause up to and including its own."""
    due, waited = {}, 0.0
    for k in range(1, n + 1):
        waited += pauses.get(k, 0.0)
        due[str(k)] = waited
    return due


@pytest.mark.points(2)
async def test_prints_in_order(scene: Scene) -> None:
    """prints the numbers 1 to n, one per line, in order"""
    await expect_plain(scene.submission, "count")
    n = scene.durations.rng.randint(12, 30)
    await scene.submission.count(n, {})
    printed = printed_numbers(scene.submission.last)
    expected = list(range(1, n + 1))
    assert printed == expected, f"count({n}) should print 1 to {n} in order, but printed {printed}"


@pytest.mark.points(2)
async def test_pauses_before_numbers(scene: Scene) -> None:
    """sleeps before each paused number, and only then prints it"""
    n = scene.durations.rng.randint(10, 20)
    # Three pauses that add up to what two took before: the check costs no more time.
    waits = [scene.durations.between(0.12, 0.2), scene.durations.between(0.05, 0.1)]
    pauses = pauses_on(scene.durations, n, [*waits, scene.durations.between(0.04, 0.08)])
    await scene.submission.count(n, pauses)
    call = scene.submission.last
    # Which numbers print is the order check's business: this one times those that did,
    # so a count that is off by one (range(n)) loses that check alone, not this one too.
    printed = set(printed_numbers(call))
    timed = {k: due for k, due in numbered(pauses, n).items() if int(k) in printed}
    # An end of the count missed is forgiven here; a count that leaves out more of the
    # paused numbers leaves their pauses untimed, and cannot pass for timing them right.
    untimed = sorted(k for k in pauses if k not in printed)
    assert len(untimed) <= 1, (
        f"count({n}, {pauses}) never printed {', '.join(map(str, untimed))}, numbers it "
        "should pause before, so those pauses could not be timed"
    )
    expect_slept(
        call,
        what=f"count({n}, {pauses})",
        hint="sleep each pause with time.sleep(pauses[k]) in count itself, before printing k "
        "(no thread, process or select of its own)",
    )
    expect_printed_on_time(
        call,
        timed,
        early_hint="sleep pauses[k] seconds before printing k",
        late_hint="was there a pause that should not be there?",
    )


@pytest.mark.points(2)
async def test_returns_elapsed(scene: Scene) -> None:
    """returns the elapsed time of the count, measured by itself"""
    counted = await count_timed(scene, (10, 30), 3, 0.05, 0.2)
    returned, waited, measured = counted.returned, counted.waited, counted.measured
    assert returned >= waited - 0.005, (
        f"count returned {returned:.3f} s, but its pauses alone take {waited:.3f} s; "
        "return the end time minus the start time, read from time.perf_counter()"
    )
    assert returned <= measured + 0.01, (
        f"count returned {returned:.3f} s, but the whole call took only {measured:.3f} s "
        "as the grader measured it; return the end time minus the start time"
    )
