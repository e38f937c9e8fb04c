"""count-sync and count-async: right submissions in several styles get full marks,
each wrong one loses exactly the checks it should, each with a message that says why."""

from __future__ import annotations

import pytest
from support import SOLUTIONS, SUBMISSIONS, explain, grade_file, lost

ASYNC_ORDER = "unpaused numbers come first in ascending order, then the shortest pause first"
ASYNC_LONGEST = "takes about as long as the longest pause, not their sum"
ASYNC_ON_TIME = "prints each number as soon as its own pause is over"
ASYNC_LOOP = "does not block the event loop while it waits"
SYNC_ORDER = "prints the numbers 1 to n, one per line, in order"
SYNC_PAUSES = "sleeps before each paused number, and only then prints it"
SYNC_RETURNS = "returns the elapsed time of the count, measured by itself"
SYNC_MATCHES = "the returned time matches the real time, however many pauses there are"


@pytest.mark.parametrize(
    ("exercise", "path"),
    [
        ("count-async", SOLUTIONS / "count-async.py"),
        ("count-async", SUBMISSIONS / "count-async" / "ok_create_task.py"),
        ("count-async", SUBMISSIONS / "count-async" / "ok_taskgroup.py"),
        ("count-sync", SOLUTIONS / "count-sync.py"),
        ("count-sync", SUBMISSIONS / "count-sync" / "ok_time_time.py"),
    ],
    ids=lambda v: getattr(v, "stem", v),
)
def test_correct_styles_get_full_marks(exercise: str, path) -> None:  # type: ignore[no-untyped-def]
    report = grade_file(exercise, path)
    assert report.score == report.max_score, explain(report)


@pytest.mark.parametrize(
    ("exercise", "name", "loses", "says"),
    [
        ("count-async", "bad_sequential", {ASYNC_ORDER, ASYNC_LONGEST, ASYNC_ON_TIME, ASYNC_LOOP},
         "one after another"),
        ("count-async", "bad_time_sleep", {ASYNC_ORDER, ASYNC_LONGEST, ASYNC_ON_TIME, ASYNC_LOOP},
         "time.sleep"),
        ("count-async", "bad_no_pauses", {ASYNC_LONGEST, ASYNC_ON_TIME, ASYNC_LOOP},
         "skip the pauses"),
        ("count-async", "bad_precomputed", {ASYNC_ON_TIME}, "before it was due"),
        ("count-async", "bad_sleep_longest", {ASYNC_ON_TIME}, "the moment its own pause ends"),
        ("count-async", "bad_clock_patch", {ASYNC_ORDER, ASYNC_ON_TIME, ASYNC_LOOP},
         "before it was due"),
        ("count-sync", "bad_async", {SYNC_ORDER, SYNC_RETURNS, SYNC_MATCHES}, "plain function"),
        ("count-sync", "bad_clock_patch", {SYNC_RETURNS, SYNC_MATCHES}, "its pauses alone take"),
        ("count-sync", "bad_returns_sum", {SYNC_RETURNS, SYNC_MATCHES}, "returned 0.000 s"),
        ("count-sync", "bad_skips_pauses", {SYNC_PAUSES, SYNC_RETURNS, SYNC_MATCHES},
         "before it was due"),
    ],
)  # fmt: skip
def test_wrong_submissions_lose_exactly_their_checks(
    exercise: str, name: str, loses: set[str], says: str
) -> None:
    report = grade_file(exercise, SUBMISSIONS / exercise / f"{name}.py")
    assert lost(report) == loses, explain(report)
    assert any(says in c.message for c in report.checks), explain(report)
    assert all(c.message for c in report.checks if c.name in loses), explain(report)
