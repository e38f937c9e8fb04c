"""Shared helpers for the grader's own tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from grader.course import catalog
from grader.grading.report import CheckStatus, Report
from grader.grading.runner import grade

REPO = Path(__file__).resolve().parent.parent
EXERCISES = REPO / "exercises"
SOLUTIONS = REPO / "solutions"
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


def exercise(exercise_id: str) -> catalog.Exercise:
    return catalog.find(exercise_id, EXERCISES)


def grade_file(exercise_id: str, path: Path, **options: object) -> Report:
    """Grade `path` against every check of the exercise, as `grader grade` does."""
    return grade(exercise(exercise_id), path, **options)  # type: ignore[arg-type]


def lost(report: Report) -> set[str]:
    """The titles of the checks that did not pass."""
    return {c.name for c in report.checks if c.status is not CheckStatus.PASSED}


def explain(report: Report) -> str:
    """A failing test's message: every check that did not pass, and why."""
    lines = [f"{report.status}: {report.message}"] if report.message else []
    lines += [
        f"{c.status}: {c.name}: {c.message}"
        for c in report.checks
        if c.status is not CheckStatus.PASSED
    ]
    return "\n".join(lines) or "every check passed"


def verdict_tests(
    exercise_id: str, wrong: dict[str, set[str]], says: dict[str, str] | None = None
) -> tuple[Callable[..., None], ...]:
    """The tests that prove an exercise's checks, given which checks each wrong file loses.

    Every `ok_*.py` beside the exercise gets full marks; every `bad_*.py` is
    listed in `wrong` and loses exactly the checks named there, each with a
    message (and, for the files in `says`, one message contains that text).
    The reference solution and the stub are graded by test_verify; that the
    verdicts hold on every seed, by `grader verify --draws` (bench/stability.py).
    """
    folder = SUBMISSIONS / exercise_id
    right = sorted(folder.glob("ok_*.py"))

    @pytest.mark.parametrize("path", right, ids=[p.stem for p in right])
    def test_right_submissions_get_full_marks(path: Path) -> None:
        report = grade_file(exercise_id, path)
        assert lost(report) == set() and report.score == report.max_score, explain(report)

    def test_every_wrong_submission_is_listed() -> None:
        assert right, f"no ok_*.py beside {exercise_id}"
        assert {p.name for p in folder.glob("bad_*.py")} == set(wrong)

    @pytest.mark.parametrize("name", sorted(wrong))
    def test_wrong_submissions_lose_their_checks(name: str) -> None:
        report = grade_file(exercise_id, folder / name)
        assert lost(report) == wrong[name], explain(report)
        assert all(c.message for c in report.checks if c.name in wrong[name]), explain(report)
        if says and name in says:
            assert any(says[name] in c.message for c in report.checks), explain(report)

    return (
        test_right_submissions_get_full_marks,
        test_every_wrong_submission_is_listed,
        test_wrong_submissions_lose_their_checks,
    )
