"""An exercise proves itself: its solution earns full marks, its stub earns nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.course.catalog import Exercise
from grader.grading.report import Report, ReportStatus
from grader.grading.runner import grade


@dataclass
class Verification:
    """What grading an exercise's own solution and stub showed."""

    exercise: str
    solution: Report
    stub: Report
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(exercise: Exercise) -> Verification:
    """Grade the reference solution and the stub; list every way they disappoint."""
    solution = grade(exercise, exercise.solution)
    stub = grade(exercise, exercise.stub)
    result = Verification(exercise.id, solution, stub)
    checks_total = sum(check.max_score for check in solution.checks)
    if solution.status is ReportStatus.GRADED and checks_total != exercise.points:
        result.problems.append(
            f"the checks are worth {checks_total:g} points, but exercise.yaml says "
            f"{exercise.points:g}"
        )
    if solution.score != exercise.points:
        failed = [c.name for c in solution.checks if c.score < c.max_score]
        why = solution.message or "; ".join(failed)
        result.problems.append(
            f"the solution scored {solution.score:g}/{exercise.points:g} ({why})"
        )
    if stub.score != 0:
        passed = [c.name for c in stub.checks if c.score > 0]
        result.problems.append(f"the stub scored {stub.score:g} (passed: {'; '.join(passed)})")
    return result
