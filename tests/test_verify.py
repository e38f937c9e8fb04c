"""`grader verify` on every exercise: the reference solution full marks, the stub 0."""

from __future__ import annotations

import pytest
from support import EXERCISES

from grader.course import catalog
from grader.course.verify import verify


@pytest.mark.parametrize("exercise", [e.id for e in catalog.catalog(EXERCISES)])
def test_exercise_proves_itself(exercise: str) -> None:
    result = verify(catalog.find(exercise, EXERCISES))
    assert result.ok, result.problems
    named = [d.message for c in result.solution.checks for d in c.diagnostics]
    assert named == [], f"the reference solution is no mistake: {named}"
