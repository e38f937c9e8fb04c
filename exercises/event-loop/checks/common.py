"""event-loop: helpers the public and the hidden checks share."""

from __future__ import annotations

from grader.checks import (
    Call,
    Durations,
    Made,
    Recorder,
    coroutine,
)


def coroutines(
    durations: Durations,
    recorder: Recorder,
    waits: list[float],
    fail: dict[int, BaseException] | None = None,
) -> tuple[list[Made], dict[str, float]]:
    """Coroutine objects that wait these times, listed so that the quickest is not first.

    The i-th raises `fail[i]` after its wait.
    """
    if len(waits) > 1 and waits == sorted(waits):
        waits = waits[1:] + waits[:1]
    names = [f"job {i}" for i in durations.choose(range(1, 100), len(waits))]
    delays = dict(zip(names, waits, strict=True))
    failures = {names[i]: error for i, error in (fail or {}).items()}
    job = recorder.sleeper(delays, result_of, fail=failures)
    return [coroutine(job, name) for name in names], delays


def result_of(name: str) -> str:
    """What each coroutine returns."""
    return f"result of {name}"


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
