"""offload: the checks a student can run."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    expect_async,
    expect_concurrent_waits,
    expect_on_the_loop,
    expect_threads,
    expect_through_the_loop,
    expect_type,
    expect_uses,
)

from .common import expect_each_written_once, make_lines, make_write


@pytest.mark.points(2)
async def test_counts_lines_written(scene: Scene) -> None:
    """writes every line once and returns how many were written"""
    await expect_async(scene.submission, "save_all")
    lines = make_lines(scene.durations, scene.durations.rng.randint(2, 4))
    delays = {line: scene.durations.between(0.02, 0.1) for line in lines}
    returned = await scene.submission.save_all(make_write(scene.recorder, delays), lines)
    expect_type(returned, int, what=f"the value save_all(write, {lines}) returned")
    expect_each_written_once(scene.recorder, lines)
    assert returned == len(lines), (
        f"save_all(write, {lines}) wrote {len(lines)} lines, all without error, so it should "
        f"return {len(lines)}, but returned {returned}"
    )
    returned = await scene.submission.save_all(make_write(scene.recorder, {}), [])
    assert returned == 0, (
        f"save_all(write, []) has nothing to write: it should return 0, not {returned!r}"
    )


@pytest.mark.points(3)
async def test_writes_run_concurrently(scene: Scene) -> None:
    """runs the writes in threads at the same time: takes about as long as the slowest"""
    lines = make_lines(scene.durations, 4)
    waits = scene.durations.distinct(4, 0.15, 0.3)
    delays = dict(zip(lines, waits, strict=True))
    returned = await scene.submission.save_all(make_write(scene.recorder, delays), lines)
    what = f"save_all(write, {lines}) with writes of {[round(w, 2) for w in waits]} s"
    expect_each_written_once(scene.recorder, lines)
    assert returned == len(lines), f"{what} should return {len(lines)}, but returned {returned!r}"
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        waits,
        what=what,
        too_fast="did it wait for every write?",
        too_slow=(
            "did the writes run one after another? Start every write with "
            "asyncio.to_thread(write, line), then await them all together (asyncio.gather)"
        ),
    )
    expect_threads(
        scene.submission.last,
        what=what,
        hint="the writes block, so at the same time means in threads: "
        "`await asyncio.to_thread(write, line)` for each, awaited together",
    )


@pytest.mark.points(2)
async def test_writes_off_the_loop(scene: Scene) -> None:
    """runs the writes in threads through the loop (to_thread), which stays free all along"""
    lines = make_lines(scene.durations, scene.durations.rng.randint(3, 4))
    waits = scene.durations.distinct(len(lines), 0.15, 0.27)
    await scene.submission.save_all(
        make_write(scene.recorder, dict(zip(lines, waits, strict=True))), lines
    )
    what = f"save_all(write, {lines}) with writes of {waits} s"
    expect_on_the_loop(
        scene.submission.last,
        what=what,
        threads=True,
        at_least=min(waits),
        too_fast="did it wait for every write?",
        hint="here the blocking call is write(line) itself: run it in a thread through the "
        "loop with `await asyncio.to_thread(write, line)`, and await the writes together",
    )
    expect_threads(
        scene.submission.last,
        what=what,
        hint="the writes block: each must run in a thread, `await asyncio.to_thread(write, line)`",
    )
    expect_through_the_loop(
        scene.submission.last,
        what=what,
        hint="a thread of your own is not the loop's, whatever it is called: run each write "
        "with `await asyncio.to_thread(write, line)` (or loop.run_in_executor)",
    )
    expect_uses(
        scene.submission,
        ("to_thread", "run_in_executor"),
        what=what,
        why="threads of its own, started and watched by hand, are not the loop's: the loop "
        "cannot await them",
        hint="hand each write to the loop's threads: `await asyncio.to_thread(write, line)` "
        "(or loop.run_in_executor), and await them together",
    )
