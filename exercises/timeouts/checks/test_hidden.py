"""timeouts: the checks only the grader runs."""

from __future__ import annotations

from typing import Any

import pytest

from grader.checks import (
    CheckFailed,
    Durations,
    Scene,
    TimingError,
    expect_concurrent_waits,
    expect_on_time,
    expect_type,
)

from .common import fetch_with_timeout, price


def fast_shops(durations: Durations) -> tuple[float, dict[str, float]]:
    """Shops that all answer well within the timeout; the first in the list is a slow one."""
    waits = durations.distinct(durations.rng.randint(4, 5), 0.04, 0.22, gap=0.03)
    waits.sort(reverse=True)
    waits = waits[:1] + durations.choose(waits[1:], len(waits) - 1)
    names = [f"shop-{n}" for n in durations.choose(range(10, 100), len(waits))]
    timeout = round(max(waits) + durations.between(0.15, 0.25), 3)
    return timeout, dict(zip(names, waits, strict=True))


async def fetch_all_fast(scene: Scene) -> tuple[float, dict[str, float]]:
    """Run fetch_with_timeout on `fast_shops`: all are in time, so every result must be there.

    The timeout and how long each shop takes.
    """
    timeout, plan = fast_shops(scene.durations)
    returned: Any = await fetch_with_timeout(scene, plan, timeout)
    expect_type(returned, dict, what="the value fetch_with_timeout returned")
    expected = {key: price(key) for key in plan}
    if returned != expected:
        message = (
            f"with fetches taking {plan}, all within the timeout of {timeout} s, "
            f"fetch_with_timeout should return {expected}, but returned {returned}"
        )
        # Only results given up on (None)? On a busy machine a result can reach the
        # submission after its timeout: that is retried, with the same cases.
        given_up = sorted(returned) == sorted(expected) and all(
            returned[key] is None for key in expected if returned[key] != expected[key]
        )
        kind = TimingError if given_up else CheckFailed
        raise kind(message, expected=f"{expected}", measured=f"{returned}")
    cancelled = [span.key for span in scene.recorder.spans if span.cancelled]
    if cancelled:
        raise TimingError(
            f"fetch_with_timeout cancelled {cancelled}, although they finish within the timeout "
            f"of {timeout} s",
            expected="no fetch cancelled",
            measured=f"cancelled: {cancelled}",
        )
    return timeout, plan


@pytest.mark.points(1)
async def test_fast_fetches_take_the_slowest(scene: Scene) -> None:
    """when every fetch is in time, returns all results after about the slowest one"""
    timeout, plan = await fetch_all_fast(scene)
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        plan.values(),
        what=f"fetch_with_timeout with fetches taking {plan} and timeout {timeout}",
        too_fast="did it wait for every fetch?",
        too_slow="did the fetches run one after another, or did it wait out the timeout?",
    )


@pytest.mark.points(1)
async def test_starts_every_fetch_at_once(scene: Scene) -> None:
    """starts every fetch at once"""
    await fetch_all_fast(scene)
    call = scene.submission.last
    for span in scene.recorder.spans:
        expect_on_time(
            span.started - call.started,
            0.0,
            what=f"the call fetch({span.key!r})",
            early="",
            late="start every fetch at once, before waiting for any of them",
        )
