"""status-updates: right submissions get full marks, the stub none, wrong ones lose their checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import EXERCISES, SOLUTIONS, SUBMISSIONS, explain, grade_file, lost

EXERCISE = "status-updates"
HERE = SUBMISSIONS / EXERCISE

TYPE_NAMES = 'reports "error: ExceptionTypeName" for a job that raised, and "ok" for the others'
CONCURRENT = "runs all the jobs at the same time: takes about as long as the slowest"
OK_WHATEVER = 'reports "ok" for every job that finished, whatever it returned'
NO_CANCEL = "a failing job never cancels the others: every job runs to its end"
ALL = {TYPE_NAMES, CONCURRENT, OK_WHATEVER, NO_CANCEL}

WRONG = {
    "bad_gather_raises.py": {TYPE_NAMES, NO_CANCEL},
    "bad_message_not_type.py": {TYPE_NAMES},
    "bad_sequential.py": {CONCURRENT},
    "bad_taskgroup_cancels.py": {NO_CANCEL},
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
