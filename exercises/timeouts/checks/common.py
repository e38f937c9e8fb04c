"""timeouts: helpers the public and the hidden checks share."""

from __future__ import annotations

from typing import Any

from grader.checks import Durations, Scene, expect_entries


def shops(durations: Durations) -> tuple[float, dict[str, float], list[str]]:
    """A timeout, how long each shop takes, and which shops are too slow.

    Fast shops answer well within the timeout, slow ones well after it; the
    list starts with a slow shop, and fast and slow ones are mixed.
    """
    timeout = durations.between(0.2, 0.25)
    fast = durations.distinct(durations.rng.randint(2, 3), 0.03, timeout / 2, gap=0.015)
    slow = durations.distinct(durations.rng.randint(2, 3), timeout + 0.1, timeout + 0.3, gap=0.04)
    names = [f"shop-{n}" for n in durations.choose(range(10, 100), len(fast) + len(slow))]
    waits = slow[:1] + durations.choose(fast + slow[1:], len(fast) + len(slow) - 1)
    plan = dict(zip(names, waits, strict=True))
    return timeout, plan, [name for name, wait in plan.items() if wait > timeout]


def price(key: Any) -> str:
    return f"price from {key}"


async def fetch_with_timeout(scene: Scene, plan: dict[str, float], timeout: float) -> Any:
    fetch = scene.recorder.sleeper(plan, result=price)
    return await scene.submission.fetch_with_timeout(fetch, list(plan), timeout)


def expect_results(returned: Any, plan: dict[str, float], slow: list[str], timeout: float) -> None:
    """Fast keys map to their results, slow keys to None."""

    def mismatch(key: str, got: Any) -> str:
        wait = plan[key]
        if key in slow:
            return (
                f"fetch({key!r}) takes {wait:.2f} s, longer than the timeout of {timeout:.2f} s, "
                f"so {key!r} should map to None, but it maps to {got!r}; "
                "give up on a fetch when its time is up"
            )
        return (
            f"fetch({key!r}) takes {wait:.2f} s, within the timeout of {timeout:.2f} s, so "
            f"{key!r} should map to its result {price(key)!r}, but it maps to {got!r}; give "
            "each fetch its own timeout, so that a slow one does not cost the others their results"
        )

    expected = {key: None if key in slow else price(key) for key in plan}
    expect_entries(
        returned,
        expected,
        what="fetch_with_timeout",
        mismatch=mismatch,
        # `is None`, not `== None`: a result of the fetch's own is never None here
        matches=lambda key, got: got is None if key in slow else got == price(key),
        # A fast fetch given up on: on a busy machine its result can reach the
        # submission after the timeout, so that is retried (with the same cases).
        load=lambda key, got: key not in slow and got is None,
    )


async def fetch_from_shops(scene: Scene) -> tuple[float, dict[str, float], list[str]]:
    """fetch_with_timeout on drawn `shops`: a result for each fast one, None for each slow one.

    The timeout, how long each shop takes, and which shops are too slow.
    """
    timeout, plan, slow = shops(scene.durations)
    returned = await fetch_with_timeout(scene, plan, timeout)
    expect_results(returned, plan, slow, timeout)
    return timeout, plan, slow
