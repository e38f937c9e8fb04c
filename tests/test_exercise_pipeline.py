"""pipeline: right submissions get full marks, the stub none, wrong ones lose their checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import EXERCISES, SOLUTIONS, SUBMISSIONS, explain, grade_file, lost

EXERCISE = "pipeline"
HERE = SUBMISSIONS / EXERCISE

ORDER = "returns the results in the order the jobs arrived, not the order they finished"
QUEUED = "finishes the jobs still waiting in the queue when the source ends"
BUSY = "keeps exactly n_workers jobs in flight while jobs are waiting"
ON_ARRIVAL = "starts working on each job as soon as it arrives, while the source is still open"
NOT_PENDING = "leaves no task pending when it returns: the workers are stopped and awaited"
EMPTY = "returns an empty list when the source has no jobs"
ALL = {ORDER, QUEUED, BUSY, ON_ARRIVAL, NOT_PENDING, EMPTY}

WRONG = {
    "bad_cancel_too_early.py": {ORDER, QUEUED},
    "bad_collect_first.py": {ON_ARRIVAL},
    "bad_finish_order.py": {ORDER},
    "bad_no_cancel.py": {NOT_PENDING},
    "bad_task_per_job.py": {BUSY},
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
