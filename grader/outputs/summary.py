"""What a batch did, in a few lines for the teacher."""

from __future__ import annotations

from grader.batch.runner import BatchResult
from grader.outputs import gradebook


def render_summary(result: BatchResult) -> str:
    """What a batch did, in a few lines for the teacher."""
    book = result.gradebook
    errors = book.count(gradebook.CellState.ERROR)
    lines = [
        f"graded {len(result.classroom.jobs) - len(result.unfinished)} of "
        f"{len(result.classroom.jobs)} submissions from {len(result.classroom.students)} "
        f"students ({result.graded} now, {result.resumed} already graded); "
        f"{errors} could not be run, {book.count(gradebook.CellState.MISSING)} missing"
    ]
    for exercise in book.exercises:
        mean = book.mean(exercise)
        handed = sum(c.state is not gradebook.CellState.MISSING for c in book.cells(exercise))
        shown = "-" if mean is None else f"{mean:g}"
        lines.append(
            f"  {exercise:<16} mean {shown}/{book.max_scores[exercise]:g} over {handed} submissions"
        )
    if result.regraded_alone:
        lines.append(
            f"re-graded alone (timing checks failed under load): {', '.join(result.regraded_alone)}"
        )
    if result.classroom.ignored:
        lines.append("ignored:")
        lines += [f"  {i.path}: {i.reason}" for i in result.classroom.ignored]
    for lost in result.unfinished:
        lines.append(f"NOT GRADED {lost.label}: {lost.reason}")
    if result.unfinished:
        lines.append("run the same command again with --resume to grade what is left")
    if result.isolation is not None:
        lines.append(f"isolation: {result.isolation.describe()}")
    lines.append(f"wrote {result.grades_csv} and a JSON report per submission")
    return "\n".join(lines)
