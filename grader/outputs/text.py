"""The report as a student reads it in a terminal."""

from __future__ import annotations

from grader.grading.observations import Diagnostic
from grader.grading.report import CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import timeline, words

#: How a check's line names its status (the compact view too).
MARKS = {
    CheckStatus.PASSED: "PASS",
    CheckStatus.FAILED: "FAIL",
    CheckStatus.ERROR: "ERROR",
    CheckStatus.TIMEOUT: "TIMEOUT",
    CheckStatus.INCONCLUSIVE: "BUSY",
}


#: Where feedback under a check's line starts.
INDENT = " " * 12


def render_text(report: Report, width: int | None = None) -> str:
    """The report as a student reads it: one line per check, feedback under failures.

    Under a check's message come its diagnostics (the lines of the submission
    at fault), and under a check that did not pass, its timeline, drawn to
    `width` columns (the terminal's by default).
    """
    lines = [f"{report.exercise}: {_shown(report.submission)}"]
    lines += [f"  notebook: {_shown(note)}" for note in words.notebook_notes(report)]
    if report.status is ReportStatus.ERROR:
        lines += [f"  could not be run: {_shown(report.message)}"]
    for check in report.checks:
        points = f"{_number(check.score)}/{_number(check.max_score)}"
        hidden = " (hidden)" if check.visibility is Visibility.HIDDEN else ""
        retried = f" [after {check.attempts} attempts]" if check.attempts > 1 else ""
        lines.append(f"  {MARKS[check.status]:<7} {points:>7}  {check.name}{hidden}{retried}")
        if check.message:
            lines.extend(_feedback(check.message.splitlines()))
        for diagnostic in check.diagnostics:
            lines.extend(f"{INDENT}{_shown(part)}" for part in diagnostic_lines(diagnostic))
        if check.timeline is not None and check.status is not CheckStatus.PASSED:
            lines.extend(timeline.render_timeline(check.timeline, width, INDENT))
    which = " on the public checks" if report.public_only else ""
    lines.append(
        f"score: {_number(report.score)}/{_number(report.max_score)}{which}  "
        f"({report.duration:.1f} s)"
    )
    unsure = words.inconclusive_of(report)
    if unsure is not None:
        lines.append(unsure)
    lines.append(f"isolation: {words.isolation_of(report)}")
    observed = words.observation_of(report)
    if observed is not None:
        lines.append(f"observed: {observed}")
    return "\n".join(lines)


def diagnostic_lines(diagnostic: Diagnostic) -> list[str]:
    """`line 6: ... is never awaited`, and the line's code when the sentence does not quote it.

    Further lines of the sentence are quoted, as a message's are (`_feedback`).
    """
    said = words.located(diagnostic).splitlines() or [""]
    lines = [said[0], *(f"{CONTINUED}{part}" for part in said[1:])]
    code = timeline.printable(diagnostic.code.strip())
    if code and code not in diagnostic.message:
        where = "" if diagnostic.line is None else f"{words.gutter(diagnostic)} "
        lines.append(f"    {where}| {code}")
    return lines


#: Before each further line of one message: it goes on the line above, it says nothing new.
CONTINUED = "  > "


def _feedback(parts: list[str]) -> list[str]:
    """A message's lines under its check, every line after the first quoted.

    A message quotes what the submission raised, and an exception's text may
    hold newlines: unquoted, its lines would read like the grader's own
    (`score: 10/10`, `isolation: ...`) under the check.
    """
    return [f"{INDENT}{'' if k == 0 else CONTINUED}{_shown(part)}" for k, part in enumerate(parts)]


def _shown(text: str) -> str:
    """A line the submission had a say in, without the control characters a terminal obeys.

    An exception's message could clear the screen and print a score of its own.
    """
    return timeline.printable(text)


def _number(value: float) -> str:
    return f"{value:g}"
