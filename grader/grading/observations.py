"""What the grader observed during a check, beside its verdict: diagnostics and a timeline.

Both are data in the report (`CheckResult.diagnostics`, `CheckResult.timeline`)
and never change a score by themselves. A diagnostic names one line of the
submission and what is wrong there ("line 6: `asyncio.sleep(...)` is never
awaited"); the timeline holds what ran when, as spans in seconds from the
start of the check's first call to the submission, so that "one after
another" and "all at once" can be drawn (`grader.outputs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DiagnosticKind(StrEnum):
    NEVER_AWAITED = "never-awaited"  # a coroutine created and never awaited
    BLOCKED_LOOP = "blocked-loop"  # the line that held the event loop while a ping waited
    PENDING_TASK = "pending-task"  # a task still pending when the function returned
    UNRETRIEVED = "unretrieved-exception"  # a task's exception nobody retrieved
    UNCLOSED = "unclosed-resource"  # an aiohttp session, an event loop, left open


@dataclass(frozen=True)
class Diagnostic:
    """One mistake, at one line of the submission."""

    kind: DiagnosticKind
    message: str  # the sentence a student reads, with the line in it
    line: int | None = None
    code: str = ""  # the source text of that line
    cell: int | None = None  # in a notebook, its cell; `line` is then the line in the cell

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": str(self.kind), "line": self.line, "code": self.code,
                                "message": self.message}  # fmt: skip
        if self.cell is not None:  # a notebook's only: a .py file's diagnostics are as before
            data["cell"] = self.cell
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        line = data.get("line")
        cell = data.get("cell")
        return cls(
            kind=DiagnosticKind(data["kind"]),
            message=str(data.get("message", "")),
            line=None if line is None else int(line),
            code=str(data.get("code", "")),
            cell=None if cell is None else int(cell),
        )


class SpanKind(StrEnum):
    CALL = "call"  # the check's call of a submission function
    CALLBACK = "callback"  # one call of a callable the check passed in
    OUTPUT = "output"  # a line the submission printed (an instant: end equals start)
    BLOCKED = "blocked"  # a stretch during which the submission's event loop was blocked
    STARTED = "started"  # a thread or process the submission started (an instant)

    @property
    def instant(self) -> bool:
        """Whether spans of this kind are moments (end equals start), not stretches."""
        return self in (SpanKind.OUTPUT, SpanKind.STARTED)


@dataclass(frozen=True)
class Span:
    """Something that ran, in seconds from the check's first call."""

    label: str
    kind: SpanKind
    start: float
    end: float | None = None  # None: still running when the call ended
    cancelled: bool = False
    raised: str | None = None  # the exception type it ended with

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "kind": str(self.kind), "start": round(self.start, 4),
            "end": None if self.end is None else round(self.end, 4),
            "cancelled": self.cancelled, "raised": self.raised,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        end = data.get("end")
        raised = data.get("raised")
        return cls(
            label=str(data["label"]),
            kind=SpanKind(data["kind"]),
            start=float(data["start"]),
            end=None if end is None else float(end),
            cancelled=bool(data.get("cancelled", False)),
            raised=None if raised is None else str(raised),
        )


@dataclass
class Timeline:
    """What ran when during a check; `expected` is the shape right code has, where known."""

    spans: list[Span] = field(default_factory=list)
    expected: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "spans": [span.to_dict() for span in self.spans],
            "expected": [span.to_dict() for span in self.expected],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timeline:
        return cls(
            spans=[Span.from_dict(s) for s in data.get("spans", [])],
            expected=[Span.from_dict(s) for s in data.get("expected", [])],
        )
