"""The report as a student reads it in a terminal."""

from __future__ import annotations

from grader.grading.report import CheckStatus, Report, ReportStatus, Visibility
from grader.sandbox import isolation

_MARKS = {
    CheckStatus.PASSED: "PASS",
    CheckStatus.FAILED: "FAIL",
    CheckStatus.ERROR: "ERROR",
    CheckStatus.TIMEOUT: "TIMEOUT",
}


def render_text(report: Report) -> str:
    """The report as a student reads it: one line per check, feedback under failures."""
    lines = [f"{report.exercise}: {report.submission}"]
    if report.status is ReportStatus.ERROR:
        lines.append(f"  could not be run: {report.message}")
    for check in report.checks:
        points = f"{_number(check.score)}/{_number(check.max_score)}"
        hidden = " (hidden)" if check.visibility is Visibility.HIDDEN else ""
        retried = f" [after {check.attempts} attempts]" if check.attempts > 1 else ""
        lines.append(f"  {_MARKS[check.status]:<7} {points:>7}  {check.name}{hidden}{retried}")
        if check.message:
            lines.extend(f"            {part}" for part in check.message.splitlines())
    which = " on the public checks" if report.public_only else ""
    lines.append(
        f"score: {_number(report.score)}/{_number(report.max_score)}{which}  "
        f"({report.duration:.1f} s)"
    )
    lines.append(f"isolation: {isolation.describe(report.isolation, report.isolation_missing)}")
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:g}"
