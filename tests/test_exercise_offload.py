"""offload: full marks for right submissions, none for the stub, each wrong one loses its checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import EXERCISES, SOLUTIONS, SUBMISSIONS, explain, grade_file, lost

EXERCISE = "offload"
HERE = SUBMISSIONS / EXERCISE

COUNTS = "writes every line once and returns how many were written"
CONCURRENT = "runs the writes in threads at the same time: takes about as long as the slowest"
SKIPS = "skips a write that raises OSError: counts only the lines written, and writes the rest"
FREE_LOOP = "keeps the event loop free while the writes run"
ALL = {COUNTS, CONCURRENT, SKIPS, FREE_LOOP}

WRONG = {
    "bad_counts_failures.py": {SKIPS},
    "bad_crash_on_oserror.py": {SKIPS},
    "bad_direct_write.py": {CONCURRENT, FREE_LOOP},
    "bad_sequential_threads.py": {CONCURRENT},
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
