"""Whether a call ran on its event loop, judged on what the grader saw from outside the child.

The catalog's "on the loop" (shared/spec/exercises.md): an `async def` waits
by awaiting on the loop it was called on, starts no thread and no process,
makes no event loop of its own, and never blocks that loop. The grader sees
each of these from outside the submission's process
(`grader.sandbox.observation`): the kernel tells it of every thread,
process and event loop the child makes, and it looks at the thread running
the call every 5 ms. A submission can change none of it.

What the child says of itself (its answers to the loop's pings, the loops
it counts) can only add to a verdict: it is used where the kernel's view is
missing on this platform (the report then says what was not observed), and
a loop the child reports is counted even if the kernel saw none.

These verdicts do not depend on load: a busy machine does not put a thread
to sleep in `time.sleep`, start threads or make loops, and the time it adds
to the grader's own waits is measured and forgiven (`summary`). Only when
the grader could not look often enough is a check run again
(`TimingError`), as for a time bound.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.checks.failures import CheckFailed, TimingError
from grader.checks.timing import expect_waited
from grader.sandbox import Call
from grader.sandbox.observation import Facet, Observation
from grader.sandbox.observation.records import CALLED, Start, State
from grader.sandbox.observation.syscalls import meaning

__all__ = [
    "BUSY",
    "HELD",
    "STALL",
    "expect_no_other_loop",
    "expect_not_blocked",
    "expect_on_the_loop",
    "expect_responsive",
    "expect_slept",
    "expect_threads",
    "expect_through_the_loop",
    "loops_left_open",
    "loops_made",
    "returned_pending_at",
]

#: The most the loop's thread may be held outside its loop during one call, in all, in seconds:
#: ten times what honest code shows on a loaded machine, a fifth of a sleep the checks ask for.
HELD = 0.05
#: The most the loop's thread may run, or be ready to run, during one call: honest code stays
#: under 0.02 s also on a loaded machine; a thread that never waits is ready all the call long.
BUSY = 0.1
#: The longest the loop may leave a ping unanswered, where its thread cannot be observed.
STALL = 0.1

_ON_THE_LOOP = "the tasks of one event loop: the loop the function was called on"
_WAIT = (
    "wait with `await` (asyncio.sleep, a task, a future); run a blocking call in a thread "
    "with `await asyncio.to_thread(...)`"
)


def expect_on_the_loop(
    calls: Call | Sequence[Call],
    *,
    what: str,
    threads: bool = False,
    loops: int = 0,
    hint: str = "",
    at_least: float = 0.0,
    too_fast: str = "did it skip the waiting?",
) -> None:
    """`what` ran on the event loop it was called on, as the catalog's "on the loop" says.

    It started no process, no thread (unless `threads`: offload's writes go
    to threads through the loop) and exactly `loops` event loops of its own
    (`event-loop` makes one per call), and never blocked the loop
    (`expect_not_blocked`). Threads and processes started while the file
    was imported count too.

    With `at_least`, each call first waited that long (`expect_waited`, with
    `too_fast` as its hint): code that skips the waiting has nothing to run on
    the loop, so it must not pass for code that ran there.
    """
    for call in [calls] if isinstance(calls, Call) else list(calls):
        if at_least:
            expect_waited(call.elapsed, at_least, what=what, hint=too_fast)
        observed = call.observed
        if observed is not None and observed.sees(Facet.STARTS):
            _expect_nothing_started(observed, what=what, threads=threads, hint=hint)
        made = loops_made(call)
        if made > loops:
            expected = f"{loops} event loop{'s' * (loops != 1)} of its own" if loops else "none"
            raise CheckFailed(
                f"{what} made {made} event loop{'s' * (made != 1)} of its own; "
                f"{hint or 'run everything on ' + _ON_THE_LOOP}",
                expected=f"{what} runs on the event loop it was called on (loops made: {expected})",
                measured=f"it made {made} event loop{'s' * (made != 1)}",
                hint=hint or "no asyncio.run or new_event_loop inside it, and no threads",
            )
        expect_not_blocked(call, what=what, hint=hint)


def _expect_nothing_started(
    observed: Observation, *, what: str, threads: bool, hint: str, asks: str = _ON_THE_LOOP
) -> None:
    processes = observed.processes + observed.processes_before
    started = observed.threads + observed.threads_before
    if processes:
        _started(what, processes, Start.PROCESS, observed, hint, asks)
    if started and not threads:
        _started(what, started, Start.THREAD, observed, hint, asks)


def _started(
    what: str, count: int, kind: Start, observed: Observation, hint: str, asks: str
) -> None:
    noun, many = ("thread", "threads") if kind is Start.THREAD else ("process", "processes")
    words = f"{count} {noun if count == 1 else many}"
    during = sum(1 for s in observed.started if s.kind is kind)
    imported = sum(1 for s in observed.imported if s.kind is kind)
    earlier = count - during - imported  # by calls of the check before this one
    when = [f"{during} started by it"] if during else []
    when += [f"{imported} while your file was imported"] if imported else []
    when += [f"{earlier} by an earlier call, before this one"] if earlier > 0 else []
    started = (
        f"started {words}"
        if during == count
        else f"ran with {words} of your program's ({', '.join(when)})"
    )
    advice = hint or f"the exercise asks for {asks}, not {many}"
    raise CheckFailed(
        f"{what} {started}; {advice}",
        expected=f"{what} runs {asks}: no {many} of its own",
        measured=f"it {started}",
        hint=advice,
    )


def expect_threads(call: Call, *, what: str, hint: str) -> None:
    """`what` started a thread (offload: its blocking calls run in threads), as the kernel saw.

    Where threads cannot be observed on this machine, nothing is asked.
    """
    observed = call.observed
    if observed is None or not observed.sees(Facet.STARTS):
        return
    if not observed.threads + observed.threads_before:
        raise CheckFailed(
            f"{what} started no thread; {hint}",
            expected=f"{what} runs its blocking calls in threads",
            measured="no thread was started",
            hint=hint,
        )


def expect_through_the_loop(call: Call, *, what: str, hint: str) -> None:
    """Every plain callable of the check's that `call` called ran in a function its event loop
    handed to a thread pool (`asyncio.to_thread`, `loop.run_in_executor`): offload's writes.

    The kernel shows the grader which threads start, not which function the loop's
    executor runs on them: which thread called each callable is the child's word
    (`Call.said`, docs/isolation.md). A thread started by hand, by a `threading.Timer`,
    at import, or by a pool the loop never handed the call to, is not the loop's,
    whatever its name.
    """
    calls = call.said.callers
    elsewhere = [(name, thread) for name, thread in calls if thread != "executor"]
    if not elsewhere:
        return
    name = elsewhere[0][0]
    where = (
        "on the event loop's own thread"
        if all(t == "loop" for _, t in elsewhere)
        else "on a thread the loop's executor did not start (a thread of its own, started by "
        "hand, by a Timer, or at import)"
    )
    count = f"{len(elsewhere)} of its {len(calls)} calls of {name}()"
    raise CheckFailed(
        f"{what}: {count} ran {where}; {hint}",
        expected=f"{what} hands each {name}() to the loop's threads (asyncio.to_thread, "
        "loop.run_in_executor)",
        measured=f"{count} ran {where}",
        hint=hint,
    )


def expect_slept(call: Call, *, what: str, hint: str) -> None:
    """A plain call waited only by sleeping on its own thread (count-sync's `time.sleep`).

    It started no thread and no process (nor did the file, at import), and its
    thread, when seen held, slept (`nanosleep`): a wait in `select`, `poll`, a
    lock or a join, `HELD` seconds in all, fails. A sleep made through ctypes
    makes the same system call as `time.sleep` and cannot be told from it.
    """
    observed = call.observed
    if observed is None:
        return
    if observed.sees(Facet.STARTS):
        _expect_nothing_started(
            observed, what=what, threads=False, hint=hint, asks="a sleep on its own thread"
        )
    if not observed.sees(Facet.LOOP_THREAD):
        return
    other = [s for s in observed.stretches if s.state is not State.SLEEPING]
    seconds = sum(s.seconds for s in other)
    if seconds >= HELD:
        longest = max(other, key=lambda s: s.seconds)
        how = State.OTHER_LOOP.value if longest.state is State.OTHER_LOOP else longest.call
        how = "ran an event loop" if how == State.OTHER_LOOP.value else meaning(how)
        raise CheckFailed(
            f"{what} did not sleep: for {seconds:.2f} s its thread {how}; {hint}",
            expected=f"{what} waits by sleeping (time.sleep)",
            measured=f"its thread {how} for {seconds:.2f} s",
            hint=hint,
            bounds={"measured": seconds, "at_most": HELD},
        )


def expect_not_blocked(call: Call, *, what: str, hint: str = "", limit: float = STALL) -> None:
    """The loop's thread was never held outside the loop: no sleep, no wait, no long computation.

    Held means sleeping (`time.sleep`), waiting on anything but the loop
    (a lock, a thread, a process, blocking I/O, another loop's poll), or
    keeping the CPU busy without waiting: HELD seconds in all, or BUSY
    seconds of CPU, fail the check at once. Where the loop's thread could
    not be observed, the child's answers to the loop's pings decide (`limit`).
    """
    observed = call.observed
    if observed is None or not observed.sees(Facet.LOOP_THREAD):
        _expect_pings_answered(call, what=what, limit=limit, hint=hint)
        return
    if observed.blocked >= HELD:
        _held(call, observed, what=what, hint=hint)
    if observed.busy >= BUSY:
        _busy(call, observed, what=what, hint=hint)
    if observed.coarse:
        raise TimingError(
            f"the grader could not look at the event loop of {what} often enough to be sure it "
            "was never blocked (the machine is busy); the check runs again",
            expected=f"the loop's thread of {what} looked at every 5 ms",
            measured="looks too far apart",
        )


def _busy(call: Call, observed: Observation, *, what: str, hint: str) -> None:
    """Fail: the loop's thread ran, or was ready to run, `observed.busy` seconds.

    Its CPU time alone over BUSY is the submission's, at once; ready time may
    be the machine's load, so a thread busy only with it counting is a
    `TimingError`, judged by the load measured meanwhile.
    """
    seconds = call.finished - call.started
    advice = hint or (
        "a loop that keeps checking (the clock, a flag, or `await asyncio.sleep(0)` "
        "over and over) holds the CPU; wait for the moment itself: asyncio.sleep(delay), "
        "an Event, a task"
    )
    kind = CheckFailed if observed.cpu >= BUSY else TimingError
    raise kind(
        f"while {what} ran, its event loop's thread kept the CPU busy for "
        f"{observed.busy:.2f} s of the call's {seconds:.2f} s, never waiting; {advice}",
        expected=f"the loop's thread waits in the loop while {what} waits "
        f"(at most {BUSY:.2f} s running or ready to run)",
        measured=f"it ran, or was ready to run, for {observed.busy:.2f} s "
        f"({observed.cpu:.2f} s on a CPU)",
        hint=advice,
        bounds={"measured": observed.busy, "at_most": BUSY},
    )


def _held(call: Call, observed: Observation, *, what: str, hint: str) -> None:
    """Fail: the loop's thread was held `observed.blocked` seconds, saying how."""
    cause = observed.cause
    if cause == State.OTHER_LOOP:
        how = "ran another event loop"
    elif cause.startswith(CALLED):
        how = f"waited for {cause.removeprefix(CALLED)}(...), a blocking call made on it"
    else:
        how = meaning(cause)
    advice = hint or _WAIT
    longest = observed.longest
    at_most = min(longest.seconds, observed.blocked) if longest is not None else 0.0
    stretch = f", {at_most:.2f} s at a stretch" if longest is not None else ""
    # Sleeping or polling another loop is the submission's alone; a lock or a read may
    # wait on a thread, or on the grader, that a busy machine keeps from its CPU.
    alone = (State.SLEEPING, State.OTHER_LOOP)
    own = sum(s.seconds for s in observed.stretches if s.state in alone)
    kind = CheckFailed if own >= HELD else TimingError
    raise kind(
        f"while {what} ran, its event loop was blocked for {observed.blocked:.2f} s in all"
        f"{stretch}: its thread {how}, so nothing else on the loop could run; {advice}",
        expected=f"the event loop is never blocked while {what} runs (at most {HELD:.2f} s in all)",
        measured=f"its thread {how} for {observed.blocked:.2f} s",
        hint=advice,
        bounds={"measured": observed.blocked, "at_most": HELD},
    )


def _expect_pings_answered(call: Call, *, what: str, limit: float, hint: str) -> None:
    """Where the loop's thread cannot be observed: the child's answers to the loop's pings."""
    if call.stall is not None and call.stall > limit:
        advice = hint or (
            "blocking calls such as time.sleep stop every other task: use "
            "`await asyncio.sleep(...)`"
        )
        raise TimingError(
            f"while {what} ran, its event loop was blocked for {call.stall:.2f} s at a stretch "
            f"(at most {limit:.2f} s is fine); {advice}",
            expected=f"the event loop answers within {limit:.2f} s while {what} runs",
            measured=f"its event loop was blocked for {call.stall:.2f} s at a stretch",
            hint=advice,
            bounds={"measured": call.stall, "at_most": limit},
        )


def expect_responsive(
    call: Call,
    *,
    what: str,
    limit: float = STALL,
    hint: str = "blocking calls such as time.sleep stop every other task: "
    "use `await asyncio.sleep(...)`",
) -> None:
    """The submission's event loop kept running while `call` ran (`expect_not_blocked`)."""
    expect_not_blocked(call, what=what, hint=hint, limit=limit)


def expect_no_other_loop(call: Call, *, what: str, hint: str) -> None:
    """The call did its work on the loop it was called on: it made no event loop of its own.

    Work handed to threads that each run a loop of their own shows here on
    every draw, however well its timing imitates tasks on one loop.
    """
    made = loops_made(call)
    if made or call.runners:
        how = f"asyncio.run {call.runners} time(s)" if call.runners else f"{made} event loop(s)"
        raise CheckFailed(
            f"{what} created {how} of its own; {hint}",
            expected=f"{what} runs on the event loop it was called on",
            measured=f"it created {how}",
            hint=hint,
        )


def returned_pending_at(call: Call) -> float | None:
    """When a plain function called in the loop had returned something its loop then waited for.

    The child says when the function returned (`Call.returned_at`, its first
    word of it); the grader sees when the loop's thread first waited in the
    call's loop, which it can only do once the function has returned a
    future that is not done yet. The later of the two counts; None if the
    loop never waited (what came back was done already, or nothing), or was
    not free meanwhile (held or busy: the function had not returned at once).

    A thread that was ready to run that long, though it ran less, may have
    been kept from its work by load alone: that is a `TimingError`, judged
    by the load measured meanwhile, never a pass (a spinning thread runs
    little on a busy machine).
    """
    observed = call.observed
    if observed is None or not observed.sees(Facet.LOOP_THREAD):
        return call.returned_at if call.returned.get("pending") else None
    if observed.polled_at is None or call.returned_at is None or not call.returned.get("pending"):
        return None
    if observed.blocked >= HELD or observed.cpu >= BUSY:
        return None  # the loop was not free while the future was pending
    if observed.busy >= BUSY:
        raise TimingError(
            f"the loop's thread was ready to run for {observed.busy:.2f} s of the call "
            f"({observed.cpu:.2f} s on a CPU): too busy a machine to tell whether it waited",
            expected=f"the loop's thread waits in the loop (at most {BUSY:.2f} s running or "
            "ready to run)",
            measured=f"it ran, or was ready to run, for {observed.busy:.2f} s",
            bounds={"measured": observed.busy, "at_most": BUSY},
        )
    return max(call.returned_at, observed.polled_at)


def loops_made(call: Call, *, surely: bool = False) -> int:
    """The event loops `call` made of its own: the kernel's count, or the child's if more.

    With `surely`, the count the child cannot raise (for "made at least
    one"): the kernel's where it was observed, the child's where not.
    """
    observed = call.observed
    if observed is None or not observed.sees(Facet.LOOPS):
        return len(call.loops)
    return observed.loops if surely else max(observed.loops, len(call.loops))


def loops_left_open(call: Call) -> int:
    """The event loops left open when `call` ended: the kernel's count, or the child's if more."""
    observed = call.observed
    seen = observed.loops_open if observed is not None and observed.sees(Facet.LOOPS) else 0
    claimed = sum(1 for loop in call.loops if not loop.get("closed"))
    return max(seen, claimed)
