"""A report on one screen, for `grader watch`: redrawn after every save.

`Screen` turns the watcher's events into the text of the whole screen;
`render_compact` is the report part of it.

What a student looks at while editing: the score, a line per check, what
failed and where (each mistake's line once, however many checks saw it),
and the timeline of the first check that failed, cut to a few rows. The full
report stays one `grader check` away.
"""

from __future__ import annotations

import time

from grader.grading import watcher
from grader.grading.observations import SpanKind
from grader.grading.report import CheckStatus, Report, ReportStatus
from grader.outputs import timeline, words
from grader.outputs.text import MARKS, diagnostic_lines

#: Rows of a compact timeline, per section.
TIMELINE_ROWS = 8
#: Where feedback under a check's line starts.
INDENT = " " * 8


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
        lines.append(f"  {MARKS[check.status]:<7} {check.name}")
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


class Screen:
    """What `grader watch` shows: a header, the last report, and a line saying what happens now."""

    def __init__(self, exercise: str, file: str, width: int | None = None) -> None:
        self.exercise = exercise
        self.file = file
        self.width = width
        self.header = f"{exercise}: {file}"
        self.lines: list[str] = []
        self.checks = 0  # reports shown so far

    def draw(self, event: watcher.Event) -> str:
        """The whole screen after `event`."""
        watching = f"watching {self.file}: save it to check again; Ctrl-C to stop"
        if isinstance(event, watcher.Checking):
            status = f"checking the save of {_clock(event.saved)}..."
        elif isinstance(event, watcher.Restarted):
            status = "saved again: checking the new version..."
        elif isinstance(event, watcher.Gone):
            self.lines = []
            status = f"{self.file} is gone (deleted or moved away): waiting for it to come back"
        elif isinstance(event, watcher.Failed):
            self.lines = [f"could not check this version: {event.message}"]
            status = watching
        else:
            self.checks += 1
            self.header = (
                f"{self.exercise}: {self.file}  (check {self.checks}, saved at "
                f"{_clock(event.saved)})"
            )
            self.lines = render_compact(event.report, self.width)
            status = (
                f"feedback {event.finished - event.saved:.2f} s after the save, "
                f"{calls_time(event.report):.2f} s of it in your code's calls\n{watching}"
            )
        return "\n".join([self.header, *self.lines, status])

    @staticmethod
    def lasting(event: watcher.Event) -> bool:
        """Whether the screen after `event` is worth printing where nothing is redrawn (a log).

        A run beginning or cut short is soon followed by its report.
        """
        return not isinstance(event, watcher.Checking | watcher.Restarted)


def _clock(moment: float) -> str:
    """A `time.monotonic()` moment as the wall clock's time of day."""
    return time.strftime("%H:%M:%S", time.localtime(time.time() - (time.monotonic() - moment)))
