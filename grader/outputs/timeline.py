"""A check's timeline as characters: one row per span, on a time axis scaled to the terminal.

Concurrency is a picture: bars that start together read "all at once", bars
that start where the last one ended read "one after another". The measured
spans and the expected ones (what right code would do, when the check knows)
share one axis, so the two shapes can be compared at a glance:

    time (s)     0         0.1       0.2       0.3
                 |---------|---------|---------|---
    count(...)   ==================================
    fetch('a')   ----------
    fetch('b')             ----------
    expected (right code):
    fetch('a')   ----------
    fetch('b')   ----------

Only ASCII, so that any terminal (and a Windows console) shows it; labels
come from the submission (a printed line) and are stripped of control
characters, so a label can never move the cursor or recolour a terminal.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from dataclasses import dataclass

from grader.grading.observations import Span, SpanKind, Timeline

#: Columns assumed outside a terminal (a pipe, a CI log, a file).
FALLBACK_WIDTH = 100
#: Narrower than this, the bars would say nothing; wider, they say nothing more.
MIN_WIDTH = 50
MAX_WIDTH = 160
#: Rows per section at most; a count of 1000 printed lines is summed up, not drawn.
MAX_ROWS = 40
#: The longest label shown whole; longer ones are cut and end in "...".
MAX_LABEL = 24

FILL = {
    SpanKind.CALL: "=",
    SpanKind.CALLBACK: "-",
    SpanKind.BLOCKED: "#",
    SpanKind.OUTPUT: "*",
    SpanKind.STARTED: "+",
}
CANCELLED = "x"
RAISED = "!"
RUNNING = ">"  # no end: still running when the call returned

_MEANINGS = {
    FILL[SpanKind.CALL]: "the call",
    FILL[SpanKind.CALLBACK]: "a call it made",
    FILL[SpanKind.BLOCKED]: "event loop blocked",
    FILL[SpanKind.OUTPUT]: "a printed line",
    FILL[SpanKind.STARTED]: "a thread or process started",
    CANCELLED: "cancelled",
    RAISED: "raised",
    RUNNING: "still running at the end",
}


def terminal_width() -> int:
    """The terminal's width in columns (FALLBACK_WIDTH outside one), kept within reason."""
    columns = shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns
    if columns <= 0:  # some consoles and pseudo-terminals report 0
        columns = FALLBACK_WIDTH
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def drawable(timeline: Timeline) -> bool:
    """Whether there is anything to draw."""
    return bool(timeline.spans or timeline.expected)


def extent(timeline: Timeline) -> float:
    """The last moment any measured or expected span reaches, in seconds (0 if none)."""
    moments = [0.0]
    for span in (*timeline.spans, *timeline.expected):
        moments.append(_clean(span.start))
        if span.end is not None:
            moments.append(_clean(span.end))
    return max(moments)


def ticks(seconds: float, slots: int) -> tuple[float, float]:
    """A round tick step and the axis end (a whole number of steps >= `seconds`).

    About `slots` ticks fit; the step is 1, 2, 2.5 or 5 times a power of ten,
    so that the labels read as seconds a person would write.
    """
    seconds = max(seconds, 1e-3)
    rough = seconds / max(1, slots)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough - 1e-12)
    return step, math.ceil(seconds / step - 1e-9) * step


def seconds_label(value: float) -> str:
    """0.25 -> '0.25', 1.0 -> '1', 0.30000000000000004 -> '0.3'."""
    return f"{round(value, 6):g}"


def printable(text: str) -> str:
    """`text` on one line, without control characters (tabs become spaces)."""
    return "".join(c if c.isprintable() else " " if c in "\t\n\r" else "?" for c in text)


@dataclass(frozen=True)
class _Layout:
    indent: str
    label: int  # columns of the label
    bar: int  # columns of the bars
    note: int  # columns after the bars, for how a span ended
    end: float  # seconds at the right end of the axis
    step: float

    def column(self, seconds: float) -> int:
        return min(self.bar - 1, max(0, round(_clean(seconds) / self.end * (self.bar - 1))))


def render_timeline(
    timeline: Timeline, width: int | None = None, indent: str = "", rows: int = MAX_ROWS
) -> list[str]:
    """The timeline as lines of at most `width` columns (the terminal's by default).

    Rows of the measured spans, then under them, on the same axis, the
    expected shape when the check gave one, then a legend of the marks used;
    nothing at all for a timeline without any span. At most `rows` rows per
    section are drawn (a compact view shows fewer).
    """
    if not drawable(timeline):
        return []
    total = terminal_width() if width is None else width
    labels = [printable(s.label) for s in (*timeline.spans, *timeline.expected)]
    notes = [note(s) for s in (*timeline.spans, *timeline.expected)]
    room = max(total - len(indent), 30)
    label_w = min(max((len(x) for x in labels), default=4), MAX_LABEL, max(8, room // 3))
    label_w = max(label_w, len("time (s)"))
    note_w = min(max((len(n) for n in notes), default=0), max(12, room // 4))
    bar_w = max(10, room - label_w - 1 - (note_w + 1 if note_w else 0))
    step, end = ticks(extent(timeline), max(2, bar_w // 10))
    layout = _Layout(indent, label_w, bar_w, note_w, end, step)

    lines = _axis(layout)
    lines += _rows(timeline.spans, layout, rows) or [
        f"{indent}{'':<{label_w}} (nothing was recorded)"
    ]
    if timeline.expected:
        lines.append(f"{indent}expected (right code):")
        lines += _rows(timeline.expected, layout, rows)
    lines += [f"{indent}{part}" for part in _legend(timeline, room)]
    return [line.rstrip() for line in lines]


def _axis(layout: _Layout) -> list[str]:
    """The seconds above the ruler, each label starting at its tick."""
    labels = [" "] * layout.bar
    ruler = ["-"] * layout.bar
    free = 0  # the first column a label may start at without touching the last one
    count = round(layout.end / layout.step)
    for k in range(count + 1):
        at = layout.column(k * layout.step)
        ruler[at] = "|"
        text = seconds_label(k * layout.step)
        start = min(at, layout.bar - len(text)) if k == count else at
        if start >= free and start + len(text) <= layout.bar:
            labels[start : start + len(text)] = text
            free = start + len(text) + 1
    head = f"{layout.indent}{'time (s)':<{layout.label}} "
    return [head + "".join(labels), f"{layout.indent}{'':<{layout.label}} " + "".join(ruler)]


def _rows(spans: Sequence[Span], layout: _Layout, most: int = MAX_ROWS) -> list[str]:
    rows = [_row(span, layout) for span in spans[:most]]
    if len(spans) > most:
        rows.append(f"{layout.indent}{'':<{layout.label}} ... and {len(spans) - most} more")
    return rows


def _row(span: Span, layout: _Layout) -> str:
    cells = [" "] * layout.bar
    first = layout.column(span.start)
    if span.kind.instant:
        cells[first] = FILL[span.kind]
    else:
        last = layout.bar - 1 if span.end is None else max(first, layout.column(span.end))
        cells[first : last + 1] = FILL[span.kind] * (last + 1 - first)
        # The end says how it ended; a bar of one cell keeps its fill when it ended normally.
        if span.end is None:
            cells[last] = RUNNING
        elif span.raised is not None:
            cells[last] = RAISED
        elif span.cancelled:
            cells[last] = CANCELLED
    label = _cut(printable(span.label), layout.label)
    ending = _cut(note(span), layout.note)
    row = f"{layout.indent}{label:<{layout.label}} {''.join(cells)}"
    return f"{row} {ending}" if ending else row


def note(span: Span) -> str:
    """How a span ended, when not simply: 'raised TimeoutError', 'cancelled'."""
    if span.raised is not None:
        return f"raised {printable(span.raised)}"
    if span.cancelled:
        return "cancelled"
    return ""


def _legend(timeline: Timeline, room: int) -> list[str]:
    """What each mark used means, in as few lines of `room` columns as it takes."""
    used: list[str] = []
    for span in (*timeline.spans, *timeline.expected):
        marks = [FILL[span.kind]]
        if not span.kind.instant:
            marks.append(
                RUNNING
                if span.end is None
                else RAISED
                if span.raised is not None
                else CANCELLED
                if span.cancelled
                else ""
            )
        used += [m for m in marks if m and m not in used]
    order = [*FILL.values(), CANCELLED, RAISED, RUNNING]
    lines = [""]
    for item in (f"{m} {_MEANINGS[m]}" for m in order if m in used):
        if lines[-1] and len(lines[-1]) + 2 + len(item) > room:
            lines.append("")
        lines[-1] += f"  {item}" if lines[-1] else item
    return lines


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 3)] + "..."


def _clean(seconds: float) -> float:
    """A time as drawn: never before the check's first call, never NaN."""
    return seconds if seconds > 0 and math.isfinite(seconds) else 0.0
