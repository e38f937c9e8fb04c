"""What the trusted side saw of a child: each call, and each line it printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.observation.records import Observation


@dataclass
class Line:
    """One line the submission printed, and when the trusted side received it."""

    at: float
    text: str


@dataclass
class Said:
    """What the child said of one call: its own word, received on the trusted clock.

    The child is the submission's process, so each of these is a claim; checks
    weigh it against what the grader observed (`Call.observed`).
    """

    done_at: float | None = None  # when the coroutine itself finished (before loop clean-up)
    pending: int | None = None  # tasks still pending on its loop at that moment
    loops: list[dict[str, bool]] = field(default_factory=list)  # the loops the call made
    runners: int = 0  # how often it called asyncio.run
    returned_at: float | None = None  # `in_loop` calls: when the plain function returned
    returned: dict[str, Any] = field(default_factory=dict)  # ...and what: type, pending future
    diagnostics: list[dict[str, Any]] = field(default_factory=list)  # what the child noted
    blocked_lines: list[dict[str, Any]] = field(default_factory=list)  # where its loop hung
    #: each plain callable of the grader's it called, with the thread that called it:
    #: "executor" (a function its loop handed to a thread pool), "loop" or "thread"
    callers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Call:
    """What the trusted side saw of one call: its value, times and output."""

    name: str
    started: float
    ended: float = 0.0
    value: Any = None
    lines: list[Line] = field(default_factory=list)
    stall: float | None = None  # the longest its event loop left a ping unanswered
    stderr: str = ""  # what it wrote to stderr (warnings, tracebacks), capped
    blocked: list[tuple[float, float]] = field(default_factory=list)  # stretches the loop hung
    asked_at: float | None = None  # when it last called a trusted callable
    observed: Observation | None = None  # what the grader saw of the call from outside the child
    said: Said = field(default_factory=Said)  # what the child said of the call

    @property
    def done_at(self) -> float | None:
        """When the coroutine itself finished, the child says (before its loop's clean-up)."""
        return self.said.done_at

    @property
    def pending(self) -> int | None:
        """Tasks still pending on its loop at `done_at`."""
        return self.said.pending

    @property
    def loops(self) -> list[dict[str, bool]]:
        """The event loops the call made, each `{"closed": ..., "running": ...}`."""
        return self.said.loops

    @property
    def runners(self) -> int:
        """How often the call ran `asyncio.run`."""
        return self.said.runners

    @property
    def returned_at(self) -> float | None:
        """`in_loop` calls: when the plain function returned."""
        return self.said.returned_at

    @property
    def returned(self) -> dict[str, Any]:
        """`in_loop` calls: what the plain function returned (type, a pending future)."""
        return self.said.returned

    @property
    def diagnostics(self) -> list[dict[str, Any]]:
        """What the child noted of the submission's lines during the call."""
        return self.said.diagnostics

    @property
    def blocked_lines(self) -> list[dict[str, Any]]:
        """Where the child says its loop hung."""
        return self.said.blocked_lines

    @property
    def finished(self) -> float:
        """When the call was over: its coroutine's end when the child said, else its reply's.

        The child's word is a claim: a call that still called the checks' callables,
        printed, or waited in its loop (as the grader saw) after it said it was done was
        not done, whatever it said.
        """
        if self.done_at is None:
            return self.ended
        seen = [self.done_at, *([self.asked_at] if self.asked_at is not None else [])]
        seen += [line.at for line in self.lines if line.at <= self.ended]
        polled = self.observed.last_polled if self.observed is not None else None
        if polled is not None and polled <= self.ended:
            seen.append(polled)  # still waiting in its loop: its work was not done
        return max(seen)

    @property
    def elapsed(self) -> float:
        return self.finished - self.started

    @property
    def output(self) -> list[str]:
        return [line.text for line in self.lines]

    def line_times(self) -> list[tuple[float, str]]:
        """Each printed line with its arrival time, in seconds since the call started."""
        return [(line.at - self.started, line.text) for line in self.lines]
