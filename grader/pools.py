"""Jobs that arrive over time, and verdicts on the pool of workers that serves them.

For contracts like the catalog's `pipeline`: the submission reads jobs from an
async iterator and hands them to a fixed number of workers. `Feed` is the
trusted side of that iterator (hand `grader.proxy.iterator(feed.next)` to the
submission); `expect_slots_busy` judges, from a `Recorder`'s spans, whether the
pool kept every slot busy while jobs were waiting, and never used more.

Every time here is read on the trusted clock, like the rest of `grader.timing`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from grader.clock import now
from grader.timing import Recorder, TimingError

#: How long, in all, a pool may leave a slot free while jobs wait for one:
#: handing a job to a worker costs a round trip to the child, not more.
IDLE = 0.08
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


def expect_slots_busy(recorder: Recorder, slots: int, *, what: str, hint: str) -> None:
    """While calls were waiting for a slot, exactly `slots` of them were in flight.

    More than `slots` at once fails at once: no load can cause it. Fewer, or
    slots left free for longer than `IDLE` in all while calls were still to
    start, may be a busy machine's doing: that raises `TimingError` (retried).
    """
    most = recorder.most_in_flight()
    if most > slots:
        raise AssertionError(
            f"{what} had {most} jobs in flight at once, but at most {slots} may be; {hint}"
        )
    wanted = min(slots, len(recorder.spans))
    if most < wanted:
        raise TimingError(
            f"{what} never had more than {most} jobs in flight at once, although {wanted} "
            f"workers could have been busy while jobs were waiting; {hint}"
        )
    idle = recorder.idle_while_waiting(slots)
    if idle > IDLE:
        raise TimingError(
            f"{what} left a worker without a job for {idle:.2f} s in all while jobs were "
            f"waiting (at most {IDLE:.2f} s is fine); {hint}"
        )
