"""event-loop: helpers the public and the hidden checks share."""

from __future__ import annotations

from grader.checks import (
    Call,
    CheckFailed,
    Made,
    Scene,
    coroutine,
    expect_type,
    loops_left_open,
    loops_made,
)


def coroutines(
    scene: Scene, waits: list[float], fail: dict[int, BaseException] | None = None
) -> tuple[list[Made], dict[str, float]]:
    """Coroutine objects that wait these times, listed so that the quickest is not first.

    The i-th raises `fail[i]` after its wait.
    """
    if len(waits) > 1 and waits == sorted(waits):
        waits = waits[1:] + waits[:1]
    names = [f"job {i}" for i in scene.durations.choose(range(1, 100), len(waits))]
    delays = dict(zip(names, waits, strict=True))
    failures = {names[i]: error for i, error in (fail or {}).items()}
    job = scene.recorder.sleeper(delays, result_of, fail=failures)
    return [coroutine(job, name) for name in names], delays


async def run_coroutines(
    scene: Scene, waits: list[float], *, in_order: bool = False
) -> dict[str, float]:
    """run_in_new_loop on `coroutines` that wait `waits`: it must return every result.

    In their order, when `in_order`; what comes back is each coroutine's wait.
    """
    coros, delays = coroutines(scene, waits)
    returned = await scene.submission.run_in_new_loop(coros)
    expect_results(returned, delays, in_order=in_order)
    return delays


def result_of(name: str) -> str:
    """What each coroutine returns."""
    return f"result of {name}"


def expect_closed(call: Call, what: str) -> None:
    """The call made an event loop of its own, and closed it (as the kernel saw)."""
    assert loops_made(call, surely=True), (
        f"{what} created no event loop; create a new one with asyncio.new_event_loop()"
    )
    still_open = loops_left_open(call)
    assert not still_open, (
        f"{what} left {still_open} event loop(s) open; close the loop with loop.close() "
        "before returning (in a `finally:` block)"
    )


def expect_one_loop(call: Call, what: str, count: int) -> None:
    """The call ran all its coroutines on one loop of its own, not one loop each.

    The kernel tells the grader of every event loop made during the call, in
    any thread; a loop per coroutine (in threads, or one after another) shows
    as several.
    """
    made = loops_made(call) if loops_made(call, surely=True) else 0
    if made != 1:
        raise CheckFailed(
            f"{what} created {made} event loops for its {count} coroutines; the task is one "
            "new loop that runs them all concurrently (not a loop, or a thread, per coroutine): "
            "create it once, then run_until_complete one coroutine that gathers them all",
            expected="one new event loop for all the coroutines",
            measured=f"{made} event loops for {count} coroutines",
            hint="one loop, one run_until_complete of a coroutine that gathers them all",
        )


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
