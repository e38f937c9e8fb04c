"""gather: the checks only the grader runs."""

from __future__ import annotations

import pytest

from grader.checks import (
    Durations,
    Recorder,
    Submission,
    SubmissionRaised,
    expect_concurrent_waits,
    expect_type,
)

from .common import expect_all_in_flight, fetch_all, keys_with_waits, result_of

#: Exceptions a fetch raises; builtins, so the submission sees the very same type.
FAILURES = [ValueError, LookupError, ConnectionError, PermissionError]


@pytest.mark.points(1)
async def test_raises_what_fetch_raised(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """when a fetch raises, fetch_all raises that same exception"""
    delays = keys_with_waits(durations, durations.distinct(4, 0.04, 0.2, gap=0.04))
    keys = list(delays)
    bad = durations.choose(keys[1:-1], 1)[0]  # neither first nor last in the list
    kind = durations.choose(FAILURES, 1)[0]
    error = kind(f"the {bad} service is down")
    fetch = recorder.sleeper(delays, result_of, fail={bad: error})
    call = f"fetch_all(fetch, {keys})"
    expected = f"{kind.__name__}: {error}"
    try:
        returned = await submission.fetch_all(fetch, keys)
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
async def test_many_keys(submission: Submission, durations: Durations, recorder: Recorder) -> None:
    """with many keys, fetches each once, all at once, in about the slowest fetch's time"""
    waits = durations.distinct(12, 0.12, 0.3, gap=0.015)
    delays, keys, returned = await fetch_all(submission, durations, recorder, waits)
    call = f"fetch_all(fetch, <{len(keys)} keys>)"
    expect_type(returned, list, what=f"the value {call} returned")
    assert isinstance(returned, list)
    expected = [result_of(key) for key in keys]
    assert sorted(map(repr, returned)) == sorted(map(repr, expected)), (
        f"fetch_all(fetch, {keys}) should return {expected}, but returned {returned}"
    )
    assert sorted(recorder.keys) == sorted(keys), (
        f"fetch should be called once for each of {keys}, but was called for {recorder.keys}"
    )
    expect_all_in_flight(recorder, keys, "start every fetch before awaiting any")
    expect_concurrent_waits(
        submission.last.elapsed,
        delays.values(),
        what=f"{call} (the slowest fetch takes {max(delays.values())} s)",
    )


@pytest.mark.points(1)
async def test_any_keys_and_results(
    submission: Submission, durations: Durations, recorder: Recorder
) -> None:
    """keys and results of any kind come back in the order of keys"""
    user = ("user", durations.rng.randint(1, 9))
    keys: list[object] = [durations.rng.randint(100, 999), user, "me"]
    durations.rng.shuffle(keys)
    results = {keys[0]: None, keys[1]: [1, 2, {"nested": True}], keys[2]: {"status": 200}}
    waits = durations.distinct(3, 0.04, 0.25, gap=0.08)
    waits = sorted(waits, reverse=True)  # the first key is the slowest, the last the quickest
    delays = dict(zip(keys, waits, strict=True))
    returned = await submission.fetch_all(recorder.sleeper(delays, results.__getitem__), keys)
    expected = [results[key] for key in keys]
    expect_type(returned, list, what=f"the value fetch_all(fetch, {keys}) returned")
    assert returned == expected, (
        f"fetch_all(fetch, {keys}) should return {expected} (each fetch's result unchanged, in "
        f"the order of keys), but returned {returned}"
    )
