"""Shared helpers for the grader's own tests."""

from __future__ import annotations

from pathlib import Path

from grader import catalog
from grader.report import CheckStatus, Report
from grader.runner import grade

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
