"""status-updates: the checks a student can run."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader.checks import (
    Scene,
    expect_async,
    expect_concurrent_waits,
    expect_on_the_loop,
    expect_type,
)

from .common import SERVICES, expect_each_ran_once, run_all

BUILTIN_FAILURES: list[Callable[[], Exception]] = [
    lambda: ConnectionError("service down"),
    lambda: TimeoutError("no answer in 30 s"),
    lambda: ValueError("bad status text"),
    lambda: PermissionError("token expired"),
    lambda: KeyError("video-17"),
    lambda: RuntimeError("quota reached"),
]
CUSTOM_FAILURES = ["RateLimited", "QuotaExceeded", "ServiceUnavailable", "UploadRejected"]


@pytest.mark.points(2)
async def test_reports_type_names(scene: Scene) -> None:
    """reports "error: ExceptionTypeName" for a job that raised, and "ok" for the others"""
    await expect_async(scene.submission, "run_all")
    rng = scene.durations.rng
    custom = type(rng.choice(CUSTOM_FAILURES), (Exception,), {})
    # Two rounds: a builtin exception, then one of a type the submission cannot know.
    # The failing job is the slowest, so no other job is still running when it fails.
    for failure in (rng.choice(BUILTIN_FAILURES)(), custom("try again in 60 s")):
        scene.recorder.spans.clear()
        names = scene.durations.choose(SERVICES, rng.randint(3, 5))
        failing = rng.choice(names)
        delays = {name: scene.durations.between(0.02, 0.12) for name in names}
        delays[failing] = scene.durations.between(0.16, 0.22)
        returned, described = await run_all(scene, delays, {failing: failure})
        expect_type(returned, dict, what=f"the value run_all({described}) returned")
        expected = {name: "ok" for name in names}
        expected[failing] = f"error: {type(failure).__name__}"
        assert returned.get(failing) == expected[failing], (
            f"with jobs {described}, the job {failing!r} raised "
            f"{type(failure).__name__}({str(failure)!r}), so run_all should report "
            f"{expected[failing]!r} for it, but reported {returned.get(failing)!r}; "
            "the type's name is type(exc).__name__ (not str(exc), which is the message)"
        )
        assert returned == expected, (
            f"run_all({described}) should return {expected}, but returned {returned}"
        )
        expect_each_ran_once(scene.recorder, names)


@pytest.mark.points(2)
async def test_runs_jobs_concurrently(scene: Scene) -> None:
    """runs all the jobs at the same time: takes about as long as the slowest"""
    waits = scene.durations.spread(shortest=0.04, longest=0.3)
    names = scene.durations.choose(SERVICES, len(waits))
    delays = dict(zip(names, waits, strict=True))
    returned, described = await run_all(scene, delays)
    expected = {name: "ok" for name in names}
    assert returned == expected, f"run_all({described}) should return {expected}, not {returned}"
    expect_each_ran_once(scene.recorder, names)
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        waits,
        what=f"run_all({described})",
        too_fast="did it wait for every job?",
        too_slow="did the jobs run one after another? Start them all, then wait for them all",
    )


@pytest.mark.points(2)
async def test_runs_on_the_loop(scene: Scene) -> None:
    """runs on the event loop it was called on: no threads or loops of its own, never blocked"""
    names = scene.durations.choose(SERVICES, scene.durations.rng.randint(3, 5))
    delays = {name: scene.durations.between(0.1, 0.25) for name in names}
    _, described = await run_all(scene, delays)
    expect_on_the_loop(
        scene.submission.last,
        what=f"run_all({described})",
        at_least=min(delays.values()),
        too_fast="did it wait for the jobs?",
        hint="run the jobs as tasks on the running loop (asyncio.gather with "
        "return_exceptions=True, or a task each)",
    )
