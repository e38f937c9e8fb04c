"""gather: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Scene,
    SubmissionRaised,
    expect_concurrent_waits,
    expect_type,
)

from .common import expect_all_in_flight, fetch_all, keys_with_waits, result_of

#: Exceptions a fetch raises; builtins, so the submission sees the very same type.
FAILURES = [ValueError, LookupError, ConnectionError, PermissionError]


@pytest.mark.points(1)
async def test_raises_what_fetch_raised(scene: Scene) -> None:
    """when a fetch raises, fetch_all raises that same exception"""
    delays = keys_with_waits(scene.durations, scene.durations.distinct(4, 0.04, 0.2, gap=0.04))
    keys = list(delays)
    bad = scene.durations.choose(keys[1:-1], 1)[0]  # neither first nor last in the list
    kind = scene.durations.choose(FAILURES, 1)[0]
    error = kind(f"the {bad} service is down")
    fetch = scene.recorder.sleeper(delays, result_of, fail={bad: error})
    call = f"fetch_all(fetch, {keys})"
    expected = f"{kind.__name__}: {error}"
    try:
        returned = await scene.submission.fetch_all(fetch, keys)
    except SubmissionRaised as raised:
        assert raised.type_name == kind.__name__ and str(error) in raised.detail, (
            f"fetch({bad!r}) raised {expected}, so {call} should raise it too, but it raised "
            f"{raised.type_name}: {raised.detail}; let the fetch's own exception propagate "
            "(await asyncio.gather(...) does; a TaskGroup wraps it in an ExceptionGroup)"
        )
    else:
        raise AssertionError(
            f"fetch({bad!r}) raised {expected}, so {call} should raise it too, but it returned "
            f"{returned!r}; don't catch the exception (nor gather with return_exceptions=True)"
        )


@pytest.mark.points(1)
async def test_many_keys(scene: Scene) -> None:
    """with many keys, fetches each once, all at once, in about the slowest fetch's time"""
    waits = scene.durations.distinct(12, 0.12, 0.3, gap=0.015)
    delays, keys, returned = await fetch_all(scene, waits)
    call = f"fetch_all(fetch, <{len(keys)} keys>)"
    expect_type(returned, list, what=f"the value {call} returned")
    assert isinstance(returned, list)
    expected = [result_of(key) for key in keys]
    assert sorted(map(repr, returned)) == sorted(map(repr, expected)), (
        f"fetch_all(fetch, {keys}) should return {expected}, but returned {returned}"
    )
    assert sorted(scene.recorder.keys) == sorted(keys), (
        f"fetch should be called once for each of {keys}, but was called for {scene.recorder.keys}"
    )
    expect_all_in_flight(scene.recorder, keys, "start every fetch before awaiting any")
    expect_concurrent_waits(
        scene.submission.last.elapsed,
        delays.values(),
        what=f"{call} (the slowest fetch takes {max(delays.values())} s)",
    )


@pytest.mark.points(1)
async def test_any_keys_and_results(scene: Scene) -> None:
    """keys and results of any kind come back in the order of keys"""
    user = ("user", scene.durations.rng.randint(1, 9))
    keys: list[object] = [scene.durations.rng.randint(100, 999), user, "me"]
    scene.durations.rng.shuffle(keys)
    results = {keys[0]: None, keys[1]: [1, 2, {"nested": True}], keys[2]: {"status": 200}}
    waits = scene.durations.distinct(3, 0.04, 0.25, gap=0.08)
    waits = sorted(waits, reverse=True)  # the first key is the slowest, the last the quickest
    delays = dict(zip(keys, waits, strict=True))
    returned = await scene.submission.fetch_all(
        scene.recorder.sleeper(delays, results.__getitem__), keys
    )
    expected = [results[key] for key in keys]
    expect_type(returned, list, what=f"the value fetch_all(fetch, {keys}) returned")
    assert returned == expected, (
        f"fetch_all(fetch, {keys}) should return {expected} (each fetch's result unchanged, in "
        f"the order of keys), but returned {returned}"
    )
