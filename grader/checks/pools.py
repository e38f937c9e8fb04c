"""Pools of slots: jobs that arrive over time, and verdicts on the pool that serves them.

For contracts like the catalog's `downloads` (at most `limit` at a time) and
`pipeline` (a fixed number of workers fed from a queue). Two promises are
judged from a `Recorder`'s spans: at most `limit` calls are in flight at any
moment (`expect_at_most`: no load can break that, so it fails at once), and
while calls are still waiting to start, `limit` are in flight
(`expect_slots_busy`). The second is a matter of time: handing a freed slot to
the next call takes a message each way between the grader and the submission,
and a busy machine makes that slower. So idle time is allowed up to the same
slack as any upper time bound, and more raises `TimingError`, which the grader
retries. A pool that works in batches, or never fills its slots, leaves a slot
idle for far longer than that.

`Feed` is the trusted side of an async iterator of jobs that arrive over time
(hand `grader.checks.iterator(feed.next)` to the submission). Every time here is
read on the trusted clock, like the rest of `grader.checks.timing`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from grader.checks.failures import CheckFailed, TimingError
from grader.checks.timing import Recorder, slack
from grader.clock import now

#: How often a held-open feed looks whether the work is done.
_POLL = 0.005


class Feed:
    """A source of jobs that arrive over time, served one per `await feed.next()`.

    Job i becomes available `arrivals[i]` seconds after the submission first
    asks for a job (`started`); asked for earlier, `next` waits until then;
    asked for later, it hands the job over at once. After the last job, `next`
    raises StopAsyncIteration, which ends the submission's `async for`.

    With `hold`, the end of the source is held back until every job has been
    worked on (a span of `hold` ended for each) or `hold_for` seconds after
    the last arrival: then a submission that stops its workers as soon as the
    source ends loses nothing, in checks that are about something else.
    """

    def __init__(
        self,
        jobs: Sequence[Any],
        arrivals: Sequence[float],
        *,
        hold: Recorder | None = None,
        hold_for: float = 0.0,
    ) -> None:
        if len(jobs) != len(arrivals):
            raise ValueError("one arrival time per job")
        self.jobs = list(jobs)
        self.arrivals = list(arrivals)
        self.hold = hold
        self.hold_for = hold_for
        self.started: float | None = None  # when the submission first asked for a job
        self.handed: list[float] = []  # when each job was handed over
        self.ended: float | None = None  # when the submission was told there are no more
        self._asked = 0

    def due(self, index: int) -> float:
        """Seconds after `started` at which job `index` arrives."""
        return self.arrivals[index]

    async def next(self) -> Any:
        """The next job, once it has arrived; StopAsyncIteration after the last."""
        if self.started is None:
            self.started = now()
        index, self._asked = self._asked, self._asked + 1
        if index < len(self.jobs):
            wait = self.started + self.arrivals[index] - now()
            if wait > 0:
                await asyncio.sleep(wait)
            self.handed.append(now())
            return self.jobs[index]
        if self.hold is not None:
            last = self.started + (max(self.arrivals) if self.arrivals else 0.0)
            deadline = last + self.hold_for
            while not self._all_worked(self.hold) and now() < deadline:
                await asyncio.sleep(_POLL)
        if self.ended is None:
            self.ended = now()
        raise StopAsyncIteration

    def _all_worked(self, recorder: Recorder) -> bool:
        finished = [span.key for span in recorder.spans if not span.running]
        return all(job in finished for job in self.jobs)


def plan(arrivals: Sequence[float], seconds: Sequence[float], slots: int) -> list[float]:
    """When each job starts in a pool of `slots` workers fed in arrival order.

    A job starts as soon as it has arrived and a worker is free; job i takes
    `seconds[i]`. The times are seconds after the first arrival's reference.
    """
    free = [0.0] * slots
    starts = []
    for arrival, length in zip(arrivals, seconds, strict=True):
        slot = min(range(slots), key=free.__getitem__)
        start = max(arrival, free[slot])
        starts.append(start)
        free[slot] = start + length
    return starts


def expect_at_most(recorder: Recorder, limit: int, *, what: str, hint: str) -> None:
    """No more than `limit` recorded calls were ever in flight at one moment."""
    most = recorder.most_in_flight()
    if most > limit:
        allowed = "is allowed" if limit == 1 else "are allowed"
        raise CheckFailed(
            f"{what} had {most} calls in flight at one moment, but at most {limit} {allowed}; "
            f"{hint}",
            expected=f"at most {limit} calls in flight at any moment",
            measured=f"{most} calls in flight at one moment",
            hint=hint,
        )


def expect_slots_busy(recorder: Recorder, slots: int, *, what: str, hint: str) -> None:
    """While calls were waiting to start, `slots` of them were in flight (retried).

    Fewer at every moment, or slots left free for longer than the timing
    module's slack in all while calls were still to start, raises `TimingError`.
    """
    most = recorder.most_in_flight()
    wanted = min(slots, len(recorder.spans))
    if most < wanted:
        raise TimingError(
            f"{what} never had more than {most} calls in flight at once, although {wanted} "
            f"could have been while others were waiting; {hint}",
            expected=f"{wanted} calls in flight while others are waiting",
            measured=f"never more than {most} calls in flight at once",
            hint=hint,
            bounds={"measured": recorder.late_for(wanted), "at_most": 0.0},
        )
    idle = recorder.idle_while_waiting(slots)
    allowed = slack(0.0)
    if idle > allowed:
        raise TimingError(
            f"{what} left a slot idle for {idle:.2f} s in all while other calls were still "
            f"waiting to start (at most {allowed:.2f} s is fine): fewer than {slots} were in "
            f"flight; {hint}",
            expected=f"{slots} calls in flight while others are waiting "
            f"(a slot idle for at most {allowed:.2f} s in all)",
            measured=f"a slot was idle for {idle:.2f} s in all",
            hint=hint,
            bounds={"measured": idle, "at_most": allowed},
        )
