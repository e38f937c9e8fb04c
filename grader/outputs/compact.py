"""A report on one screen, for `grader watch`: redrawn after every save.

What a student looks at while editing: the score, a line per check, what
failed and where (each mistake's line once, however many checks saw it),
and the timeline of the first check that failed, cut to a few rows. The full
report stays one `grader check` away.
"""

from __future__ import annotations

from grader.grading.observations import SpanKind
from grader.grading.report import CheckStatus, Report, ReportStatus
from grader.outputs import timeline, words
from grader.outputs.text import diagnostic_lines

#: Rows of a compact timeline, per section.
TIMELINE_ROWS = 8
#: Where feedback under a check's line starts.
INDENT = " " * 8

_MARKS = {
    CheckStatus.PASSED: "PASS",
    CheckStatus.FAILED: "FAIL",
    CheckStatus.ERROR: "ERROR",
    CheckStatus.TIMEOUT: "TIMEOUT",
    CheckStatus.INCONCLUSIVE: "BUSY",
}


def calls_time(report: Report) -> float:
    """How long the submission's calls took, in seconds: what no grader can avoid waiting for."""
    return sum(
        span.end - span.start
        for check in report.checks
        if check.timeline is not None
        for span in check.timeline.spans
        if span.kind is SpanKind.CALL and span.end is not None
    )


def render_compact(report: Report, width: int | None = None) -> list[str]:
    """The report in few lines: score, a line per check, failures with their lines, a timeline."""
    total = timeline.terminal_width() if width is None else width
    which = " on the public checks" if report.public_only else ""
    lines = [f"score {report.score:g}/{report.max_score:g}{which}"]
    lines += [f"  notebook: {_shown(note)}" for note in words.notebook_notes(report)]
    if report.status is ReportStatus.ERROR:
        lines.append(f"  could not be run: {_shown(report.message)}")
        return lines
    named: set[tuple[str, int | None, int | None]] = set()
    drawn = False
    for check in report.checks:
        lines.append(f"  {_MARKS[check.status]:<7} {check.name}")
        if check.status is CheckStatus.PASSED:
            continue
        lines += [f"{INDENT}{_shown(part)}" for part in check.message.splitlines()[:3]]
        for diagnostic in check.diagnostics:
            key = (str(diagnostic.kind), diagnostic.cell, diagnostic.line)
            if key not in named:
                named.add(key)
                lines += [f"{INDENT}{_shown(part)}" for part in diagnostic_lines(diagnostic)]
        if check.timeline is not None and not drawn and timeline.drawable(check.timeline):
            drawn = True
            lines += timeline.render_timeline(check.timeline, total, INDENT, TIMELINE_ROWS)
    unsure = words.inconclusive_of(report)
    if unsure is not None:
        lines.append(unsure)
    return lines


def _shown(text: str) -> str:
    """A line the submission had a say in, without control characters a terminal obeys."""
    return timeline.printable(text)
