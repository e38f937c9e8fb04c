"""The shape right code would show, noted by the time verdicts for the check's timeline.

A verdict that knows what it expects (a call that takes about the longest
wait, a line due at 0.25 s) notes it here; the plugin draws it beside what
was measured (`CheckResult.timeline.expected`). Noting never changes a verdict.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from grader.grading.observations import Span, SpanKind


@dataclass(frozen=True)
class Expected:
    """One expected span; `at` is when its clock starts (trusted clock), if the verdict knew it."""

    span: Span
    at: float | None = None  # None: from the start of the check's last call


#: What the running check's verdicts expect (set by the plugin for each attempt).
noted: ContextVar[list[Expected] | None] = ContextVar("expected_shape", default=None)


def expect(span: Span, at: float | None = None) -> None:
    """Note one span of the expected shape (nothing happens outside a graded check)."""
    shape = noted.get()
    if shape is not None:
        shape.append(Expected(span, at))


def call_about(seconds: float, label: str = "the longest wait") -> None:
    """The check's call should take about `seconds`."""
    expect(Span(label, SpanKind.CALL, 0.0, seconds))


def line_at(text: str, due: float, started: float) -> None:
    """A line should be printed at `due` seconds into the call that began at `started`."""
    expect(Span(text, SpanKind.OUTPUT, due, due), at=started)
