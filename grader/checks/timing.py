"""Elapsed-time verdicts: the one place every exercise's checks take them from.

Two kinds of bound, treated differently because load only ever adds time:

- a lower bound ("the waiting really happened") failing means the submission
  was too fast, which no load can cause: it fails at once (`CheckFailed`);
- an upper bound ("about the longest wait, far from the sum") failing may be
  the machine's fault: it raises `TimingError`, and the grader's plugin runs
  the check again, with the very same durations, before the failure counts.

Every time here is read on the trusted clock (`grader.clock.now`), from
observations the grader made itself: when a call was sent and answered, when
each printed line arrived, when each injected callable started and ended.
Each failure carries its numbers (`CheckFailed.bounds`, in seconds).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from grader.checks import expected as shape
from grader.checks.failures import CheckFailed, TimingError, known
from grader.clock import now
from grader.sandbox import Call
from grader.sandbox.observation import Facet

__all__ = [
    "EARLY",
    "ORDER_JITTER",
    "SLACK",
    "SLACK_RATIO",
    "SPREAD",
    "CheckFailed",
    "Durations",
    "Recorder",
    "Span",
    "TimingError",
    "expect_concurrent",
    "expect_concurrent_waits",
    "expect_in_order",
    "expect_on_time",
    "expect_printed_on_time",
    "expect_waited",
    "expect_within",
    "slack",
]

T = TypeVar("T")

#: How much earlier than its wait something may appear: timer and pipe jitter.
EARLY = 0.005
#: Upper bounds allow this much over the expected time, plus `SLACK_RATIO` of it.
SLACK = 0.12
SLACK_RATIO = 0.25
#: Things due this close together may come out swapped on a loaded machine.
ORDER_JITTER = 0.05
#: Sequential code must take at least this many times the concurrent time.
SPREAD = 4.0


def slack(expected: float) -> float:
    """How far over `expected` concurrent code may run on a busy machine."""
    return SLACK + SLACK_RATIO * expected


#: The call that ended last in the running check (set by `Submission.call`): a lower bound on
#: its elapsed time is weighed against how long its loop's thread was kept from a CPU.
ended: ContextVar[Call | None] = ContextVar("ended_call", default=None)
#: How much of a lower bound ready time may stand in for: honest code is ready to run for
#: under 0.02 s of a call, also on a loaded machine (`grader.checks.loop.BUSY`).
READY = 0.1


def expect_waited(elapsed: float, at_least: float, *, what: str, hint: str) -> None:
    """Lower bound: `what` really waited `at_least` seconds.

    Load only adds time, so a miss fails at once. But load can also make a
    call that skipped the waiting last long enough: where the grader watched
    the call's thread, time it spent ready to run, kept from a CPU, is not
    waiting, and a bound met only thanks to it is judged as load (`TimingError`).
    """
    if elapsed < at_least - EARLY:
        raise CheckFailed(
            f"{what} took {elapsed:.2f} s, but the waiting alone takes at least {at_least:.2f} s; "
            f"{hint}",
            expected=f"{what} takes at least {at_least:.2f} s (the waiting alone)",
            measured=f"{what} took {elapsed:.2f} s",
            hint=hint,
            bounds={"measured": elapsed, "at_least": at_least},
        )
    call = ended.get()
    observed = call.observed if call is not None and call.elapsed == elapsed else None
    if observed is None or not observed.sees(Facet.LOOP_THREAD):
        return
    ready = max(0.0, observed.busy - observed.cpu)
    if elapsed - ready < at_least - READY:
        raise TimingError(
            f"{what} took {elapsed:.2f} s, but its thread was ready to run, kept from a CPU, "
            f"for {ready:.2f} s of it: the machine was too busy to tell whether it waited "
            f"{at_least:.2f} s; {hint}",
            expected=f"{what} waits at least {at_least:.2f} s",
            measured=f"{what} took {elapsed:.2f} s, {ready:.2f} s of it ready to run",
            hint=hint,
        )


def expect_within(
    elapsed: float,
    expected: float,
    *,
    what: str,
    sequential: float | None = None,
    hint: str = "did the waits run one after another?",
    about: str = "concurrent code takes about",
) -> None:
    """Upper bound: `what` took about `expected` seconds, not more (retried)."""
    if elapsed > expected + slack(expected):
        versus = f" (one after another: {sequential:.2f} s)" if sequential is not None else ""
        raise TimingError(
            f"{what} took {elapsed:.2f} s; {about} {expected:.2f} s{versus}; {hint}",
            expected=f"{about} {expected:.2f} s (at most {expected + slack(expected):.2f} s)",
            measured=f"{what} took {elapsed:.2f} s",
            hint=hint,
            bounds={
                "measured": elapsed,
                "about": expected,
                "at_most": expected + slack(expected),
                "sequential": sequential,
            },
        )


def expect_concurrent(
    elapsed: float,
    longest: float,
    *,
    what: str,
    sequential: float | None = None,
    too_fast: str = "did it skip the waiting?",
    too_slow: str = "did the waits run one after another?",
) -> None:
    """Elapsed ≈ `longest`: at least the longest wait, and far from the sum."""
    shape.call_about(longest)
    try:
        expect_waited(elapsed, longest, what=what, hint=too_fast)
        expect_within(elapsed, longest, what=what, sequential=sequential, hint=too_slow)
    except CheckFailed as failed:
        # Both bounds in one picture: at least, at most, and the sequential time.
        failed.bounds = known(
            {
                "measured": elapsed,
                "at_least": longest,
                "at_most": longest + slack(longest),
                "sequential": sequential,
            }
        )
        raise


def expect_concurrent_waits(
    elapsed: float,
    waits: Iterable[float],
    *,
    what: str,
    too_fast: str = "did it skip the waiting?",
    too_slow: str = "did the waits run one after another?",
) -> None:
    """Waits that all ran at once: `expect_concurrent` on the longest, naming their sum."""
    waits = list(waits)
    expect_concurrent(
        elapsed, max(waits), what=what, sequential=sum(waits), too_fast=too_fast, too_slow=too_slow
    )


def expect_on_time(at: float, due: float, *, what: str, early: str, late: str) -> None:
    """One observation (a printed line, a shown part) came when it was due."""
    bounds = {"measured": at, "at_least": due - EARLY, "at_most": due + slack(due)}
    wanted, got = f"{what} comes when it is due, after {due:.2f} s", f"{what} came after {at:.2f} s"
    if at < due - EARLY:
        raise CheckFailed(
            f"{got}, before it was due at {due:.2f} s; {early}",
            expected=wanted,
            measured=got,
            hint=early,
            bounds=bounds,
        )
    if at > due + slack(due):
        raise TimingError(
            f"{got}, but was due at {due:.2f} s; {late}",
            expected=wanted,
            measured=got,
            hint=late,
            bounds=bounds,
        )


def expect_in_order(seen: list[T], due: Mapping[T, float], *, what: str, hint: str) -> None:
    """`seen` is `due`'s keys in order of due time (ties in `seen`'s natural order).

    Items due within ORDER_JITTER of each other can swap when the machine is
    busy, so a mismatch made only of such swaps is retried (`TimingError`);
    any other mismatch is the submission's doing and fails at once. One
    loop fires its timers in due order however late; threads and processes
    the submission started wake in the scheduler's order, which load can
    change by any amount: after those, every swap is judged by the load.
    """
    expected = sorted(due, key=lambda item: (due[item], item))
    if list(seen) == expected:
        return
    message = f"{what} came out as {list(seen)}, but should come out as {expected}; {hint}"
    wanted, got = f"{what}: {expected}", f"{what}: {list(seen)}"
    if sorted(map(repr, seen)) != sorted(map(repr, expected)):
        raise CheckFailed(message, expected=wanted, measured=got, hint=hint)
    inversions = [
        (a, b) for i, a in enumerate(seen) for b in seen[i + 1 :] if (due[a], a) > (due[b], b)
    ]
    close = all(0 < due[a] - due[b] <= ORDER_JITTER for a, b in inversions)
    if close or (_scheduled_apart() and all(due[a] > due[b] for a, b in inversions)):
        swapped = max(due[a] - due[b] for a, b in inversions)  # how late the later one came
        bounds = {"measured": swapped, "at_most": 0.0}
        raise TimingError(message, expected=wanted, measured=got, hint=hint, bounds=bounds)
    raise CheckFailed(message, expected=wanted, measured=got, hint=hint)


def _scheduled_apart() -> bool:
    """Whether the call just judged ran work in threads or processes (seen by the grader)."""
    call = ended.get()
    observed = call.observed if call is not None else None
    if observed is None:
        return False
    started = observed.threads + observed.threads_before
    return started + observed.processes + observed.processes_before > 0


def expect_printed_on_time(
    call: Call, due: Mapping[str, float], *, late_hint: str, early_hint: str
) -> None:
    """Every line of `due` was printed once, when its own wait was over."""
    for text, when in due.items():
        shape.line_at(text, when, call.started)
    times = call.line_times()
    seen: dict[str, float] = {}
    for at, text in times:
        seen.setdefault(text.strip(), at)
    for text, when in due.items():
        if text not in seen:
            raise CheckFailed(
                f"{text} was never printed",
                expected=f"{text} is printed once, after {when:.2f} s",
                measured=f"{text} was never printed",
            )
        expect_on_time(
            seen[text], when, what=f"the line {text!r}", early=early_hint, late=late_hint
        )


class Durations:
    """Random, short waits for one check, drawn from its seed.

    A retried check gets the same draws again (the same seed), so a retry can
    forgive load and nothing else.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def between(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 3)

    def distinct(self, count: int, low: float, high: float, gap: float = 0.03) -> list[float]:
        """`count` waits in [low, high], at least `gap` apart, in random order."""
        slots = int((high - low) / gap + 1e-9) + 1  # 0.1 / 0.01 is 9.99...
        if count > slots:
            raise ValueError(f"{count} waits {gap} s apart do not fit in [{low}, {high}]")
        picks = self.rng.sample(range(slots), count)
        return [round(low + i * gap + self.rng.uniform(0, gap / 3), 3) for i in picks]

    def spread(
        self, *, shortest: float = 0.04, longest: float = 0.3, at_least: int = 3
    ) -> list[float]:
        """Distinct waits whose sum is at least SPREAD times the longest, one of them short.

        Concurrent code then takes about the longest, sequential code at least
        four times that, and the short one is due long before the longest ends.
        Always terminates: the middle waits come from a grid whose spacing
        halves whenever it runs out of room.
        """
        top = self.between(longest * 0.85, longest)
        waits = [top, self.between(shortest, shortest * 1.5)]
        gap = 0.03
        while len(waits) < at_least or sum(waits) < SPREAD * top:
            low, high = top * 0.3, top * 0.9
            grid = [round(low + i * gap, 3) for i in range(int((high - low) / gap) + 1)]
            free = [g for g in grid if all(abs(g - w) >= gap / 2 for w in waits)]
            if not free:
                gap /= 2
                continue
            waits.append(self.rng.choice(free))
        self.rng.shuffle(waits)
        return waits

    def choose(self, population: Iterable[T], count: int) -> list[T]:
        return self.rng.sample(list(population), count)

    def slowest_first(self, waits: list[float]) -> list[float]:
        """These waits in random order, except that the slowest comes first.

        Work handed in a list then never finishes in list order, so results
        paired with the list by finishing order (as_completed, a dict or a list
        filled as they come) are wrong on every draw, not only on most.
        """
        rest = list(waits)
        rest.remove(max(waits))
        return [max(waits), *self.choose(rest, len(rest))]


@dataclass
class Span:
    """One call of an injected callable, as the trusted side saw it."""

    key: Any
    started: float
    ended: float | None = None
    cancelled: bool = False
    raised: str | None = None

    @property
    def running(self) -> bool:
        return self.ended is None


class Recorder:
    """Builds the callables a check injects, and notes when each call ran."""

    def __init__(self) -> None:
        self.spans: list[Span] = []

    def sleeper(
        self,
        delays: Mapping[Any, float],
        result: Callable[[Any], Any] = lambda key: key,
        fail: Mapping[Any, BaseException] | None = None,
    ) -> Callable[[Any], Awaitable[Any]]:
        """An async callable taking a key: waits `delays[key]`, then returns or raises."""
        failures = dict(fail or {})

        async def wait(key: Any) -> Any:
            await asyncio.sleep(delays[key])
            if key in failures:
                raise failures[key]
            return result(key)

        return self.watch(wait)

    def watch(self, fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        """Wrap an async callable so each call is recorded as a `Span`."""

        @functools.wraps(fn)
        async def recorded(*args: Any, **kwargs: Any) -> T:
            span = Span(args[0] if len(args) == 1 else args, now())
            self.spans.append(span)
            try:
                return await fn(*args, **kwargs)
            except asyncio.CancelledError:
                span.cancelled = True
                raise
            except Exception as exc:
                span.raised = type(exc).__name__
                raise
            finally:
                span.ended = now()

        return recorded

    def watch_blocking(self, fn: Callable[..., T]) -> Callable[..., T]:
        """Wrap a plain callable so each call is recorded as a `Span`."""

        @functools.wraps(fn)
        def recorded(*args: Any, **kwargs: Any) -> T:
            span = Span(args[0] if len(args) == 1 else args, now())
            self.spans.append(span)
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                span.raised = type(exc).__name__
                raise
            finally:
                span.ended = now()

        return recorded

    @property
    def keys(self) -> list[Any]:
        return [span.key for span in self.spans]

    def running(self) -> list[Span]:
        return [span for span in self.spans if span.running]

    def in_flight(self, at: float) -> int:
        """How many calls had started and not yet ended at trusted time `at`."""
        return sum(1 for s in self.spans if s.started <= at and (s.ended is None or s.ended > at))

    def most_in_flight(self) -> int:
        """The largest number of calls in flight at any one moment."""
        events = sorted(
            [(s.started, 1) for s in self.spans]
            + [(s.ended, -1) for s in self.spans if s.ended is not None],
            key=lambda e: (e[0], e[1]),
        )
        most = level = 0
        for _, step in events:
            level += step
            most = max(most, level)
        return most

    def late_for(self, count: int) -> float:
        """How much later the `count`-th call started than the first one ended (0: they overlapped).

        `count` calls in flight at once need the `count`-th start before the
        first end; a time bound on it says by how much a run missed.
        """
        starts = sorted(s.started for s in self.spans)
        ends = sorted(s.ended for s in self.spans if s.ended is not None)
        if len(starts) < count or not ends:
            return 0.0
        return max(0.0, starts[count - 1] - ends[0])

    def idle_while_waiting(self, slots: int) -> float:
        """Seconds during which fewer than `slots` calls ran although some had not started.

        A pool that keeps its slots busy leaves this near zero; one that works
        in batches leaves a slot idle until the slowest of its batch is done.
        """
        if not self.spans:
            return 0.0
        last_start = max(s.started for s in self.spans)
        moments = sorted(
            {s.started for s in self.spans}
            | {s.ended for s in self.spans if s.ended is not None and s.ended < last_start}
        )
        idle = 0.0
        for begin, end in itertools.pairwise(moments):
            if end > last_start:
                end = last_start
            if end > begin and self.in_flight((begin + end) / 2) < slots:
                idle += end - begin
        return idle
