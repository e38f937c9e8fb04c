"""event-loop: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    SubmissionRaised,
    loops_made,
)

from .common import coroutines, expect_closed, expect_results, run_coroutines

#: What drives a loop for the caller: the exercise asks to do it by hand.
RUNNERS = ("asyncio.run", "asyncio.Runner", "asyncio.runners.run", "asyncio.runners.Runner")
#: Exceptions a coroutine raises; builtins, so the submission sees the very same type.
FAILURES = [ValueError, LookupError, ConnectionError, PermissionError]


async def run_failing(scene: Scene) -> tuple[SubmissionRaised, str, BaseException]:
    """Run coroutines one of which raises; return what run_in_new_loop raised.

    The failing coroutine is not the first, and raises while the others still wait.
    """
    waits = scene.durations.distinct(4, 0.12, 0.3, gap=0.04)
    where = scene.durations.rng.randint(1, 3)
    waits[where] = scene.durations.between(0.03, 0.07)
    error = scene.durations.choose(FAILURES, 1)[0](f"job number {where + 1} went wrong")
    coros, delays = coroutines(scene, waits, fail={where: error})
    failing = list(delays)[where]
    expected = f"{type(error).__name__}: {error}"
    what = f"run_in_new_loop(<{len(coros)} coroutines>)"
    try:
        returned = await scene.submission.run_in_new_loop(coros)
    except SubmissionRaised as raised:
        assert raised.type_name == type(error).__name__ and str(error) in raised.detail, (
            f"the coroutine {failing!r} raised {expected}, so {what} should raise it too, but "
            f"it raised {raised.type_name}: {raised.detail}"
        )
        return raised, what, error
    raise AssertionError(
        f"the coroutine {failing!r} raised {expected}, so {what} should raise it too, but it "
        f"returned {returned!r}; let the exception propagate"
    )


@pytest.mark.points(1)
async def test_no_asyncio_run(scene: Scene) -> None:
    """drives the loop itself, without asyncio.run"""
    waits = scene.durations.distinct(3, 0.04, 0.15, gap=0.03)
    await run_coroutines(scene, waits)
    # asyncio.run and a loop driven by hand look alike from outside: the file says which.
    lines = scene.submission.source.lines_naming(*RUNNERS)
    where = f" (line {', '.join(map(str, lines))})" if lines else ""
    assert not lines and scene.submission.last.runners == 0, (
        f"run_in_new_loop used asyncio.run (or asyncio.Runner){where}; the point is to drive "
        "the loop yourself: asyncio.new_event_loop(), loop.run_until_complete(...), loop.close()"
    )
    built = scene.submission.source.built
    assert not built, (
        f"your file reaches functions by names it builds as it runs (line "
        f"{', '.join(map(str, built))}: getattr on a module, exec, eval or __import__), so the "
        "grader cannot read whether run_in_new_loop drives its loop itself; call "
        "asyncio.new_event_loop(), loop.run_until_complete(...) and loop.close() by name"
    )


@pytest.mark.points(1)
async def test_fresh_loop_every_call(scene: Scene) -> None:
    """uses a fresh event loop at every call"""
    for attempt in ("first", "second"):
        coros, delays = coroutines(scene, scene.durations.distinct(2, 0.04, 0.1, gap=0.03))
        try:
            returned = await scene.submission.run_in_new_loop(coros)
        except SubmissionRaised as raised:
            if attempt == "first":
                raise
            raise AssertionError(
                f"the first call of run_in_new_loop worked, but the second raised "
                f"{raised.type_name}: {raised.detail}; "
                "does it reuse the first call's loop (asyncio.get_event_loop() hands back the "
                "same one)? Make a new loop at every call with asyncio.new_event_loop()"
            ) from None
        expect_results(returned, delays, in_order=False)
        assert loops_made(scene.submission.last, surely=True), (
            f"the {attempt} call of run_in_new_loop created no event loop; every call should "
            "make a new one with asyncio.new_event_loop() (a closed loop cannot run again, "
            "and one left open keeps its resources)"
        )


@pytest.mark.points(1)
async def test_exception_propagates(scene: Scene) -> None:
    """when a coroutine raises, run_in_new_loop raises that exception"""
    await run_failing(scene)


@pytest.mark.points(1)
async def test_closes_after_exception(scene: Scene) -> None:
    """closes the loop also when a coroutine raised"""
    raised, what, error = await run_failing(scene)
    assert raised.call is not None
    expect_closed(raised.call, f"{what}, when a coroutine raised {type(error).__name__},")
