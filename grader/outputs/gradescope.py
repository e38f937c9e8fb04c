"""A report in Gradescope's autograder format (`/autograder/results/results.json`).

Each check is one Gradescope test. Public checks are `visible`; hidden checks
are `after_published`. By default a hidden check says nothing of how it went
beyond its score: its details are for the teacher, who finds them in the full
report. With `HiddenDetails.AFTER_PUBLISHED` its real feedback is shown too,
still only once the grades are published.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import words

#: What a hidden check's output says, in place of its details.
HIDDEN_OUTPUT = (
    "A hidden check: it is shown once the grades are published; its details are for your teacher."
)


class HiddenDetails(StrEnum):
    """What students see of a hidden check's feedback once the grades are published."""

    NEVER = "never"  # its name and score only
    AFTER_PUBLISHED = "after_published"  # its feedback too


def results(report: Report, hidden_details: HiddenDetails = HiddenDetails.NEVER) -> dict[str, Any]:
    """The `results.json` Gradescope reads for one submission."""
    return {
        "score": report.score,
        "execution_time": round(report.duration),
        "output": _summary(report),
        "tests": [_test(check, hidden_details) for check in report.checks],
    }


def _test(check: CheckResult, hidden_details: HiddenDetails) -> dict[str, Any]:
    hidden = check.visibility is Visibility.HIDDEN
    secret = hidden and hidden_details is HiddenDetails.NEVER
    return {
        "name": check.name,
        "score": check.score,
        "max_score": check.max_score,
        "status": "passed" if check.status is CheckStatus.PASSED else "failed",
        "output": HIDDEN_OUTPUT if secret else _output(check),
        "visibility": "after_published" if hidden else "visible",
    }


def _output(check: CheckResult) -> str:
    if check.status in (CheckStatus.ERROR, CheckStatus.TIMEOUT):
        text = f"{check.status}: {check.message}" if check.message else str(check.status)
    else:
        text = check.message
    # The lines of the student's file behind the mistake, under what the check says.
    named = "\n".join(diagnostic.message for diagnostic in check.diagnostics)
    return "\n".join(part for part in (text, named) if part)


def _summary(report: Report) -> str:
    observed = words.observation_of(report)
    where = f"Isolation: {words.isolation_of(report)}."
    if observed is not None:
        where += f"\nObserved from outside the submission: {observed}."
    unsure = words.inconclusive_of(report)
    if unsure is not None:
        where = f"{unsure[0].upper()}{unsure[1:]}.\n{where}"
    notes = words.notebook_notes(report)
    if notes:  # a notebook: what of it was not graded
        where = "\n".join(f"Notebook: {note}." for note in notes) + f"\n{where}"
    if report.status is ReportStatus.ERROR:
        return f"Your file could not be run, so it scores 0: {report.message}\n{where}"
    hidden = sum(check.visibility is Visibility.HIDDEN for check in report.checks)
    lines = [
        f"{report.exercise}: {report.score:g}/{report.max_score:g} over {len(report.checks)} "
        f"checks, {hidden} of them hidden until the grades are published."
    ]
    if report.public_only:
        lines.append("Graded on the public checks only: no hidden checks were run.")
    if report.message:
        lines.append(report.message)
    lines.append(where)
    return "\n".join(lines)
