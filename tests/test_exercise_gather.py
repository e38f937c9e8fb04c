"""gather: the solution earns full marks, the stub nothing, each wrong submission loses its checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import EXERCISES, SOLUTIONS, SUBMISSIONS, explain, grade_file, lost

EXERCISE = "gather"
HERE = SUBMISSIONS / EXERCISE

ORDER = "returns the results in the order of keys, not in the order they finished"
IN_FLIGHT = "calls fetch for every key with all the calls in flight at once"
SLOWEST = "takes about as long as the slowest fetch, not the sum"
RAISES = "when a fetch raises, fetch_all raises that same exception"
MANY = "with many keys, fetches each once, all at once, in about the slowest fetch's time"
ANY = "keys and results of any kind come back in the order of keys"
ALL = {ORDER, IN_FLIGHT, SLOWEST, RAISES, MANY, ANY}

WRONG = {
    # a TaskGroup's ExceptionGroup escapes instead of the fetch's own exception
    "bad_exception_group.py": {RAISES},
    # as_completed: finishing order instead of the order of keys
    "bad_finish_order.py": {ORDER, ANY},
    # one fetch after another
    "bad_sequential.py": {IN_FLIGHT, SLOWEST, MANY},
    # return_exceptions=True: returns the exception instead of raising it
    "bad_swallows_errors.py": {RAISES},
    # a task awaited right after it was created: still one at a time
    "bad_tasks_awaited_in_turn.py": {IN_FLIGHT, SLOWEST, MANY},
}


@pytest.mark.parametrize(
    "path",
    [SOLUTIONS / f"{EXERCISE}.py", *sorted(HERE.glob("ok_*.py"))],
    ids=lambda p: p.name,
)
def test_right_submissions_get_full_marks(path: Path) -> None:
    report = grade_file(EXERCISE, path)
    assert lost(report) == set(), explain(report)
    assert report.score == report.max_score == 10, explain(report)


def test_stub_gets_nothing() -> None:
    report = grade_file(EXERCISE, EXERCISES / EXERCISE / "stub.py")
    assert lost(report) == ALL, explain(report)
    assert report.score == 0, explain(report)


def test_every_wrong_submission_is_listed() -> None:
    assert {p.name for p in HERE.glob("bad_*.py")} == set(WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_submissions_lose_their_checks(name: str) -> None:
    report = grade_file(EXERCISE, HERE / name)
    assert lost(report) == WRONG[name], explain(report)
