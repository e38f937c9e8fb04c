"""From the looks at a call's loop thread to what the call showed: how long the loop was held.

A look says what the thread was doing at one instant. Between two looks
that show the same wait, with the same arguments, and a thread that was not
given a CPU in between (schedstat's run count unchanged), the thread was in
that wait the whole time: that stretch is measured, not guessed. A look in a
wait whose next look differs counts for at most `UNPROVEN` seconds. When the
looks were too far apart to trust that nothing was missed, the observation
says it was `coarse`.

Two waits are not the submission's, and load could lengthen them, so each
is forgiven by what was measured, never more:

- a wait for the GIL (a lock wait inside the interpreter's own data, not a
  Python lock's) while another thread of the child ran or waited for a CPU:
  that thread held it; at most their time together is forgiven. A wait on
  any other lock (thread.join, queue.get, a Lock) is never forgiven;
- a wait for a plain callable of the grader's (`Handled`): the grader's time
  to take the request and to answer, not the callable's own.
"""

from __future__ import annotations

import collections
import itertools
import statistics
from collections.abc import Sequence

from grader.sandbox.observation.records import (
    CALLED,
    Facet,
    Handled,
    Observation,
    Sample,
    Started,
    State,
    Stretch,
)
from grader.sandbox.observation.sampler import PERIOD

#: The most one look in a wait stands for, when the next look does not show the same wait.
UNPROVEN = 2 * PERIOD
#: Looks typically further apart than this may miss a short stretch: the observation is coarse.
COARSE = 4 * PERIOD


def summarize(
    samples: Sequence[Sample],
    *,
    began: float,
    ended: float,
    ready: tuple[int, int] | None,
    cpu: float = 0.0,
    started: list[Started],
    earlier: list[Started],
    loops: int,
    loops_open: int,
    handled: Sequence[Handled] = (),
    missing: dict[Facet, str] | None = None,
) -> Observation:
    """What one call showed; `ready` is the loop thread's `Sample.ready` at its start and end.

    Busy is the time the thread ran or was ready to run: a thread that never
    waits is ready all along, however little CPU a loaded machine gives it;
    one that waits in its loop is ready only for the moments it works. `cpu`
    is the part of it the thread ran: what no load can add to.

    `samples` are the looks at the call itself (`within`); `handled`, the
    grader's plain callables the call waited on.
    """
    held = holds(samples, ended, handled)
    return Observation(
        started=started,
        earlier=earlier,
        loops=loops,
        loops_open=loops_open,
        stretches=stretches(samples, held, ended) + busy_stretches(samples),
        blocked=sum(held),
        held_by=_held_by(samples, held, handled),
        busy=max(0, ready[1] - ready[0]) / 1e9 if ready is not None else 0.0,
        cpu=cpu,
        polled_at=first_wait(samples),
        last_polled=next((s.at for s in reversed(samples) if s.state is State.POLLING), None),
        samples=len(samples),
        coarse=coarse(samples, began, ended),
        missing=dict(missing or {}),
    )


def within(
    samples: Sequence[Sample], before: Sample | None, replied: int | None, pipe: int = -1
) -> list[Sample]:
    """The looks that saw the call itself, not the child's idle wait around it.

    `before` is a look taken just before the call was sent: a look that still
    finds the thread in that very wait, never run since, saw a child that had
    not yet received the call. After its answer (`replied`: how many bytes
    the child had written once its answer was complete), the child is looked
    at until it is idle, and what it does meanwhile is the call's; only a
    look in its idle wait (a read of the grader's `pipe`, which nothing but
    the next call ends) is left out, however late the grader read the answer.
    """
    kept = list(samples)
    if before is not None:
        while kept and kept[0].continues(before):
            kept.pop(0)
    if replied is not None:
        kept = [s for s in kept if s.written < replied or not s.reads(pipe)]
    return kept


def first_wait(samples: Sequence[Sample]) -> float | None:
    """When the loop's thread was first seen settled in the call's loop: a wait seen twice.

    Two looks in the same wait of the loop's poll, the thread not run in
    between: the loop was waiting, not a poll called over and over.
    """
    for sample, after in itertools.pairwise(samples):
        if sample.state is State.POLLING and after.continues(sample):
            return sample.at
    return None


def holds(samples: Sequence[Sample], ended: float, handled: Sequence[Handled] = ()) -> list[float]:
    """For each look, the seconds from it to the next that the loop's thread was held."""
    held: list[float] = []
    for sample, after in itertools.pairwise([*samples, None]):
        if sample is None:
            continue
        held.append(_held(sample, after, ended, handled))
    return held


def _held(sample: Sample, after: Sample | None, ended: float, handled: Sequence[Handled]) -> float:
    if not sample.state.blocks:
        return 0.0
    until = after.at if after is not None else ended
    seconds = max(0.0, until - sample.at)
    if after is None or not after.continues(sample):
        seconds = min(seconds, UNPROVEN)
    if sample.call == "futex" and any(wait.covers(sample) for wait in handled):
        return 0.0
    if sample.interpreter and after is not None:
        others = max(0, after.others - sample.others) / 1e9  # a thread may have ended
        seconds = max(0.0, seconds - others)
    return seconds


def _held_by(
    samples: Sequence[Sample], held: Sequence[float], handled: Sequence[Handled]
) -> dict[str, float]:
    """The held seconds by what held the thread: a system call, another loop, a callable."""
    causes: dict[str, float] = collections.defaultdict(float)
    for sample, seconds in zip(samples, held, strict=True):
        if seconds > 0:
            causes[_cause(sample, handled)] += seconds
    return dict(causes)


def _cause(sample: Sample, handled: Sequence[Handled]) -> str:
    if sample.state is State.OTHER_LOOP:
        return State.OTHER_LOOP.value
    if sample.call == "futex":
        for wait in handled:
            if wait.running(sample):
                return f"{CALLED}{wait.name}"
    return sample.call


def stretches(samples: Sequence[Sample], held: Sequence[float], ended: float) -> list[Stretch]:
    """Each run of consecutive looks that found the loop's thread held outside the loop.

    One look between two runs held the same way is the same stretch: the
    thread ran a moment in it (the grader's nudge runs its handler), then
    went on waiting.
    """
    found: list[Stretch] = []
    run: list[Sample] = []
    for sample, seconds in [*zip(samples, held, strict=True), (None, 0.0)]:
        if sample is not None and seconds > 0:
            run.append(sample)
            continue
        if len(run) >= 2:
            until = sample.at if sample is not None else ended
            end = min(until, run[-1].at + UNPROVEN)
            calls = collections.Counter((s.state, s.call) for s in run)
            (state, call), _ = calls.most_common(1)[0]
            last = found[-1] if found else None
            same = last is not None and (last.state, last.call) == (state, call)
            if last is not None and same and run[0].at - last.end <= 2 * UNPROVEN:
                found[-1] = Stretch(last.start, end, state, call)
            else:
                found.append(Stretch(run[0].at, end, state, call))
        run = []
    return found


#: A run of looks is busy when the thread was ready to run for this share of it, or more.
BUSY_SHARE = 0.8


def busy_stretches(samples: Sequence[Sample]) -> list[Stretch]:
    """Runs of looks between which the loop's thread never waited: ready to run all along."""
    found: list[Stretch] = []
    start: Sample | None = None
    last: Sample | None = None
    for sample, after in itertools.pairwise([*samples, None]):
        assert sample is not None
        ready = (  # whatever each look found (a moment's wait for the GIL), it never slept
            after is not None
            and after.ready - sample.ready >= BUSY_SHARE * (after.at - sample.at) * 1e9
        )
        if ready:
            start = start or sample
            last = after
            continue
        if start is not None and last is not None:
            if found and start.at - found[-1].end <= UNPROVEN:  # a moment's wait for the GIL
                found[-1] = Stretch(found[-1].start, last.at, State.RUNNING, "")
            else:
                found.append(Stretch(start.at, last.at, State.RUNNING, ""))
        start = last = None
    return [stretch for stretch in found if stretch.seconds >= 2 * PERIOD]


def coarse(samples: Sequence[Sample], began: float, ended: float) -> bool:
    """Whether the looks were typically too far apart to rule out a short stretch."""
    if ended - began < COARSE:
        return False  # a call this short has nothing to hide in
    times = [began, *(s.at for s in samples), ended]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return len(samples) < 2 or statistics.median(gaps) > COARSE
