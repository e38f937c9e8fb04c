"""What the grader observed of a child from outside, as data: no word of the child's is in it.

Times are on the trusted clock (`grader.clock.now`). A `Sample` is one look
at the loop's thread (the child's main thread, which runs every call); an
`Observation` is what one call showed, summed up for the checks and the
report.
"""

from __future__ import annotations

import select
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Facet(StrEnum):
    """One thing the grader observes of a child; the value is its short name in reports."""

    STARTS = "threads-and-processes"  # every thread and process it starts, and when
    LOOPS = "event-loops"  # every event loop (epoll) it makes, and which one its thread waits in
    LOOP_THREAD = "loop-thread"  # what the thread running a call does: polling, sleeping, ...


class Start(StrEnum):
    THREAD = "thread"
    PROCESS = "process"


@dataclass(frozen=True)
class Started:
    """A thread or process the child started, when it asked the kernel to."""

    at: float
    kind: Start


#: How `Observation.held_by` names a wait for one of the grader's plain callables: "called:write".
CALLED = "called:"


class State(StrEnum):
    """What the loop's thread was doing when it was looked at."""

    POLLING = "polling"  # waiting in the poll of the call's event loop: the loop is free
    RUNNING = "running"  # on a CPU, or ready for one
    SLEEPING = "sleeping"  # time.sleep and the like
    WAITING = "waiting"  # blocked in another wait: a lock, a thread, a process, blocking I/O
    OTHER_LOOP = "other-loop"  # waiting in the poll of an event loop that is not the call's

    @property
    def blocks(self) -> bool:
        """Whether the call's event loop is held up while its thread is in this state."""
        return self in (State.SLEEPING, State.WAITING, State.OTHER_LOOP)


@dataclass(frozen=True)
class Sample:
    """One look at the loop's thread: its state, the system call it was in, its counters."""

    at: float
    state: State
    call: str = ""  # the system call it was blocked in ("" when running)
    detail: tuple[int, ...] = ()  # that call's arguments, to tell one wait from the next
    runs: int = 0  # how many times it had been given a CPU (schedstat's third field)
    ready: int = 0  # nanoseconds it had run on a CPU or waited for one (schedstat's first two)
    written: int = 0  # bytes the child had written to the grader by then, read or not
    others: int = 0  # nanoseconds its other threads had run or waited for a CPU, in all
    interpreter: bool = False  # a lock wait inside the interpreter's own data: its GIL

    def reads(self, fd: int) -> bool:
        """Whether the thread was waiting to read `fd`."""
        return self.call == "read" and self.detail[:1] == (fd,)

    def continues(self, earlier: Sample) -> bool:
        """Whether the thread stayed in `earlier`'s wait, without running, until this look."""
        return (
            self.state is earlier.state
            and self.call == earlier.call
            and self.detail == earlier.detail
            and self.runs == earlier.runs
        )


@dataclass
class Poll:
    """An epoll the child made: when, the grader's copy, the child's descriptor, and by whom."""

    at: float
    ours: select.epoll | None  # None: the grader could not make it (the child made its own)
    main: bool  # made by the thread that runs the calls
    theirs: int = -1  # its number in the child, once handed over


@dataclass
class Handled:
    """A plain callable of the grader's that the child called: the child waits for its answer.

    The time it takes the grader to take the request and to answer is not the
    submission's; the callable's own time is (a slow `write` called on the
    loop's thread blocks the loop).
    """

    request_end: int  # where the request ended in the bytes the child wrote
    call_id: int = 0  # the request's id, for a cancel of it
    name: str = ""  # the callable's name, to say what the child waited for
    began: float = float("inf")  # when the callable was started
    finished: float = float("inf")  # when it returned
    replied: float = float("inf")  # when its answer was sent
    thread: str = ""  # the child's word: which thread called it ("executor", "loop", "thread")

    def covers(self, sample: Sample) -> bool:
        """Whether, at `sample`, the child was waiting on the grader rather than the callable."""
        asked = sample.written >= self.request_end and sample.at < self.began
        return asked or self.finished <= sample.at < self.replied

    def close(self, at: float) -> None:
        """It ended at `at`, cancelled: no wait after that is the grader's."""
        self.began = min(self.began, at)
        self.finished = min(self.finished, at)
        self.replied = min(self.replied, at)

    def running(self, sample: Sample) -> bool:
        """Whether the callable itself was running at `sample`."""
        return self.began <= sample.at < self.finished


@dataclass(frozen=True)
class Stretch:
    """A stretch during which the loop's thread was seen held outside the call's loop."""

    start: float
    end: float
    state: State
    call: str

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Observation:
    """What one call of the submission showed, seen from outside its process.

    `missing` names what could not be observed here; everything else is a
    measurement the submission could neither make nor change.
    """

    started: list[Started] = field(default_factory=list)  # during the call
    earlier: list[Started] = field(default_factory=list)  # before it (at import, earlier calls)
    imported: list[Started] = field(default_factory=list)  # ...of those, before the first call
    loops: int = 0  # event loops the submission made during the call (not the grader's own)
    loops_open: int = 0  # event loops still open in the child when the call was over
    stretches: list[Stretch] = field(default_factory=list)  # held outside the loop, seen twice+
    blocked: float = 0.0  # seconds the loop's thread was seen held outside the call's loop
    held_by: dict[str, float] = field(default_factory=dict)  # those seconds, by what held it
    busy: float = 0.0  # seconds the loop's thread ran, or was ready to run, during the call
    cpu: float = 0.0  # ...of which it ran on a CPU (the rest, ready, is the machine's load)
    polled_at: float | None = None  # when its thread was first seen settled in the call's loop
    last_polled: float | None = None  # ...and when it was last seen waiting there
    samples: int = 0  # how many looks the estimate rests on
    coarse: bool = False  # the looks were too far apart to rule out a short stretch
    missing: dict[Facet, str] = field(default_factory=dict)  # what could not be observed: why

    def sees(self, facet: Facet) -> bool:
        """Whether `facet` of the call was observed."""
        return facet not in self.missing

    @property
    def reasons(self) -> list[str]:
        """What could not be observed, each as `facet: why`."""
        return [f"{facet}: {why}" for facet, why in sorted(self.missing.items())]

    @property
    def threads(self) -> int:
        return sum(1 for s in self.started if s.kind is Start.THREAD)

    @property
    def processes(self) -> int:
        return sum(1 for s in self.started if s.kind is Start.PROCESS)

    @property
    def threads_before(self) -> int:
        return sum(1 for s in self.earlier if s.kind is Start.THREAD)

    @property
    def processes_before(self) -> int:
        return sum(1 for s in self.earlier if s.kind is Start.PROCESS)

    @property
    def cause(self) -> str:
        """What held the loop's thread most: a system call's name, "other-loop", or `CALLED`."""
        return max(self.held_by, key=lambda c: self.held_by[c], default="")

    @property
    def longest(self) -> Stretch | None:
        return max(self.stretches, key=lambda s: s.seconds, default=None)

    def summary(self) -> dict[str, Any]:
        """The report's `observed` of one call (docs/cli.md)."""
        return {
            "threads": self.threads,
            "processes": self.processes,
            "threads_before": self.threads_before,
            "processes_before": self.processes_before,
            "loops": self.loops,
            "loops_open": self.loops_open,
            "blocked": round(self.blocked, 3),
            "busy": round(self.busy, 3),
        }
