"""count-async: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    TOGETHER,
    Durations,
    Scene,
    expect_async,
    expect_concurrent_waits,
    expect_in_order,
    expect_on_the_loop,
    expect_printed_on_time,
    expect_type,
    expect_uses,
    printed_numbers,
)

from .common import pauses_on


def pick(durations: Durations) -> tuple[int, dict[int, float]]:
    """A count to run: n, and distinct short pauses on 1 and on some other numbers.

    The pauses add up to at least four times the longest, so a count that
    waits one pause after another is far slower than a concurrent one.
    """
    waits = durations.spread(shortest=0.04, longest=0.3)
    n = durations.rng.randint(max(12, 2 * len(waits)), 30)
    return n, pauses_on(durations, n, waits)


@pytest.mark.points(1)
async def test_prints_every_number_once(scene: Scene) -> None:
    """prints every number once, and returns them in the order printed"""
    await expect_async(scene.submission, "count")
    n, pauses = pick(scene.durations)
    returned = await scene.submission.count(n, pauses)
    printed = printed_numbers(scene.submission.last)
    assert sorted(printed) == list(range(1, n + 1)), (
        f"count({n}, {pauses}) should print each of 1..{n} once, but printed {printed}"
    )
    expect_type(returned, list, what=f"the value count({n}, ...) returned")
    assert returned == printed, (
        f"count should return the numbers in the order it printed them ({printed}), "
        f"but returned {returned}"
    )


@pytest.mark.points(2)
async def test_order(scene: Scene) -> None:
    """unpaused numbers come first in ascending order, then the shortest pause first"""
    n, pauses = pick(scene.durations)
    await scene.submission.count(n, pauses)
    expect_in_order(
        printed_numbers(scene.submission.last),
        {k: pauses.get(k, 0.0) for k in range(1, n + 1)},
        what=f"the numbers count({n}, {pauses}) printed",
        hint="does every number wait for its own pause only, all at the same time?",
    )


@pytest.mark.points(2)
async def test_takes_the_longest_pause(scene: Scene) -> None:
    """takes about as long as the longest pause, not their sum"""
    n, pauses = pick(scene.durations)
    await scene.submission.count(n, pauses)
    call = scene.submission.last
    assert sorted(printed_numbers(call)) == list(range(1, n + 1)), (
        f"count({n}, {pauses}) should print each of 1..{n} once, but printed {call.output}"
    )
    expect_concurrent_waits(
        call.elapsed,
        pauses.values(),
        what=f"count({n}, {pauses})",
        too_fast="did it skip the pauses?",
        too_slow="did the pauses run one after another (or use time.sleep)?",
    )


@pytest.mark.points(2)
async def test_each_number_on_time(scene: Scene) -> None:
    """prints each number as soon as its own pause is over"""
    n, pauses = pick(scene.durations)
    await scene.submission.count(n, pauses)
    due = {str(k): pauses.get(k, 0.0) for k in range(1, n + 1)}
    expect_printed_on_time(
        scene.submission.last,
        due,
        early_hint="print a number only after its own pause",
        late_hint="print each number the moment its own pause ends, not at the end",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """runs the numbers as tasks on the loop it was called on: no threads, never blocked"""
    n, pauses = pick(scene.durations)
    await scene.submission.count(n, pauses)
    what = f"count({n}, {pauses})"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        at_least=min(pauses.values()),
        too_fast="did it skip the pauses?",
        hint="let each number wait in a task of its own on the running loop "
        "(`await asyncio.sleep(pause)`, then print), and gather the tasks",
    )
    expect_uses(
        scene.submission,
        TOGETHER,
        what=what,
        why="without them, the pauses are waited one after another, in an order worked out "
        "in advance (which, seen from outside, looks like tasks waiting together)",
        hint="handle each number in a task of its own (asyncio.create_task, asyncio.gather or "
        "a TaskGroup), each waiting its own pause",
    )
