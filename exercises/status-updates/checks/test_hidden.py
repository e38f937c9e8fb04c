"""status-updates: the checks only the grader runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grader.checks import (
    Scene,
    expect_type,
)

from .common import SERVICES, describe, expect_each_ran_once, run_all

FAILURES: list[Callable[[], Exception]] = [
    lambda: ConnectionError("service down"),
    lambda: TimeoutError("no answer in 30 s"),
    lambda: ValueError("bad status text"),
    lambda: PermissionError("token expired"),
    lambda: RuntimeError("quota reached"),
]

# What a job may return: anything, falsy values and error-looking text included.
RETURNS: list[Any] = [None, 0, False, "", [], {}, "error: none", 201, "sent", {"status": 500}]


@pytest.mark.points(2)
async def test_ok_whatever_returned(scene: Scene) -> None:
    """reports "ok" for every job that finished, whatever it returned"""
    names = scene.durations.choose(SERVICES, scene.durations.rng.randint(4, 6))
    returns = dict(zip(names, scene.durations.choose(RETURNS, len(names)), strict=True))
    falsy = scene.durations.choose([None, 0, False, ""], 1)[0]
    returns[names[0]] = falsy  # always at least one falsy result
    delays = {name: scene.durations.between(0.02, 0.15) for name in names}
    returned, _ = await run_all(scene, delays, returns=returns)
    expect_type(returned, dict, what="the value run_all returned")
    expected = {name: "ok" for name in names}
    assert returned == expected, (
        f"the jobs returned {returns} (after {describe(delays)}) and none raised, so run_all "
        f"should return {expected}, but returned {returned}; a job that did not raise is "
        '"ok", whatever value it returned'
    )
    expect_each_ran_once(scene.recorder, names)


@pytest.mark.points(2)
async def test_failure_cancels_nothing(scene: Scene) -> None:
    """a failing job never cancels the others: every job runs to its end"""
    rng = scene.durations.rng
    names = scene.durations.choose(SERVICES, rng.randint(4, 6))
    waits = scene.durations.distinct(len(names), 0.1, 0.3)
    delays = dict(zip(names, waits, strict=True))
    first = names[0]
    delays[first] = scene.durations.between(0.02, 0.05)  # fails long before the others end
    later = rng.choice(names[1:])  # and one more, later on
    fail = {first: rng.choice(FAILURES)(), later: rng.choice(FAILURES)()}
    returned, described = await run_all(scene, delays, fail)
    call = scene.submission.last
    expect_type(returned, dict, what=f"the value run_all({described}) returned")
    assert sorted(returned) == sorted(names), (
        f"run_all({described}) should report on every job ({sorted(names)}), "
        f"but reported on {sorted(returned)}"
    )
    cancelled = sorted(str(span.key) for span in scene.recorder.spans if span.cancelled)
    assert not cancelled, (
        f"with jobs {described}, the job(s) {cancelled} were cancelled; when {first!r} "
        "fails, the other jobs must go on to their own end (a TaskGroup, or gather without "
        "return_exceptions, stops or abandons them)"
    )
    unfinished = sorted(
        str(span.key)
        for span in scene.recorder.spans
        if span.ended is None or span.ended > call.ended
    )
    assert not unfinished, (
        f"with jobs {described}, run_all returned while {unfinished} were still running; "
        "wait for every job to end"
    )
    expect_each_ran_once(scene.recorder, names)
    ok = {name: "ok" for name in names if name not in fail}
    got = {name: returned[name] for name in ok}
    assert got == ok, (
        f"run_all({described}) should report {ok} for the jobs that did not raise, "
        f"but reported {got}"
    )
    for name, exc in fail.items():
        assert isinstance(returned[name], str) and returned[name].startswith("error"), (
            f"the job {name!r} raised {type(exc).__name__}, so run_all should report "
            f'"error: {type(exc).__name__}" for it, but reported {returned[name]!r}'
        )
