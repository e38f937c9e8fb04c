"""What the grader sees of a child from outside: each thing a submission does, seen as it is.

Real submissions in a real sandbox, under every backend this machine offers:
threads and processes started (at import and in a call), event loops made
and left open, the loop's thread sleeping, waiting, computing or polling
another loop. Then the rules that turn looks into seconds, on looks made up
for the purpose (`grader.sandbox.observation.summary`).
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest

from grader.checks.submission import Submission
from grader.sandbox import Call, Limits, forkserver, isolation
from grader.sandbox.isolation import Backend
from grader.sandbox.observation import Facet, missing
from grader.sandbox.observation.records import Handled, Sample, State
from grader.sandbox.observation.summary import UNPROVEN, coarse, holds, stretches, within

BACKENDS = [b for b in Backend if isinstance(isolation.probe(b), isolation.Isolation)]

pytestmark = pytest.mark.skipif(bool(missing()), reason=f"not observable here: {missing()}")


def run(tmp_path: Path, backend: Backend, source: str, name: str, *args: Any) -> Call:
    """Import `source` in a sandboxed child and call `name(*args)`; what was seen of the call."""
    path = tmp_path / "submission.py"
    path.write_text(textwrap.dedent(source))
    chosen = isolation.probe(backend)
    assert isinstance(chosen, isolation.Isolation)

    async def call() -> Call:
        submission = Submission(path, Limits(), forkserver.shared(chosen))
        try:
            return await submission.call(name, args)
        finally:
            await submission.close()

    return asyncio.run(call())


def observed(call: Call) -> Any:
    assert call.observed is not None, "no observation at all"
    assert not call.observed.missing, call.observed.reasons
    return call.observed


@pytest.fixture(params=BACKENDS, ids=str)
def backend(request: pytest.FixtureRequest) -> Backend:
    return Backend(request.param)


def test_honest_code_waits_in_its_loop(tmp_path: Path, backend: Backend) -> None:
    """Tasks on the running loop: nothing started, nothing made, nothing held, seen polling."""
    call = run(tmp_path, backend, """
        import asyncio
        async def main(waits):
            await asyncio.gather(*(asyncio.sleep(w) for w in waits))
    """, "main", [0.1, 0.2, 0.15])  # fmt: skip
    seen = observed(call)
    assert (seen.threads, seen.processes, seen.loops, seen.loops_open) == (0, 0, 0, 0)
    assert seen.blocked < 0.02 and seen.cpu < 0.05, seen.summary()  # ready time is load
    # Seen waiting in its loop while the waits went on (a loaded machine delays the first look).
    assert seen.polled_at is not None and seen.polled_at - call.started < 0.2
    assert seen.samples >= 20, "looked at every 5 ms over 0.2 s"


def test_threads_and_processes_are_counted_when_they_start(
    tmp_path: Path, backend: Backend
) -> None:
    """One thread at import, three threads and two processes in the call: each where it began."""
    call = run(tmp_path, backend, """
        import os, threading, time
        threading.Thread(target=lambda: None).start()
        async def main():
            for _ in range(3):
                threading.Thread(target=time.sleep, args=(0.01,)).start()
            for _ in range(2):
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                os.waitpid(pid, 0)
    """, "main")  # fmt: skip
    seen = observed(call)
    assert (seen.threads, seen.processes) == (3, 2)
    assert (seen.threads_before, seen.processes_before) == (1, 0)
    assert all(call.started <= s.at <= call.ended for s in seen.started)


def test_loops_made_and_left_open_are_counted_not_the_graders_own(
    tmp_path: Path, backend: Backend
) -> None:
    """Two loops of its own, one closed, one left open; the call's own loop is the grader's."""
    call = run(tmp_path, backend, """
        import asyncio
        kept = []
        async def main():
            asyncio.new_event_loop().close()
            kept.append(asyncio.new_event_loop())
    """, "main")  # fmt: skip
    seen = observed(call)
    assert (seen.loops, seen.loops_open) == (2, 1)


def test_loops_and_threads_made_while_the_grader_nudges_are_made_once(
    tmp_path: Path, backend: Backend
) -> None:
    """A held loop making loops and threads: nudged often, no call fails or counts twice.

    The grader signals a held loop's thread (`server.NUDGE`) while it may be
    waiting for the grader's answer to a new epoll or thread: that call must
    neither fail with EINTR nor be counted again when it restarts.
    """
    call = run(tmp_path, backend, """
        import asyncio, threading, time
        async def main():
            made, end = 0, time.monotonic() + 0.6
            # 0.6 s of it, and on a busy machine at least 200 loops however long they take
            while (time.monotonic() < end or made < 200) and made < 3000:  # the grader allows 4096
                asyncio.new_event_loop().close()
                made += 1
                if made % 10 == 0:
                    threading.Thread(target=lambda: None).start()
            return made
    """, "main")  # fmt: skip
    seen = observed(call)
    assert call.value > 100, "enough loops for many nudges to land on one"
    assert (seen.loops, seen.threads) == (call.value, call.value // 10), seen.summary()


def test_a_plain_function_that_drives_its_own_loop_makes_one(
    tmp_path: Path, backend: Backend
) -> None:
    """event-loop's way: a sync call's loop is its own, and it waits in it."""
    call = run(tmp_path, backend, """
        import asyncio
        def main():
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(asyncio.sleep(0.2))
            finally:
                loop.close()
    """, "main")  # fmt: skip
    seen = observed(call)
    assert (seen.loops, seen.loops_open) == (1, 0)
    assert seen.polled_at is not None and seen.blocked < 0.02, seen.summary()


@pytest.mark.parametrize(
    ("code", "state", "cause"),
    [("time.sleep(0.3)", State.SLEEPING, "clock_nanosleep"),
     ("threading.Event().wait(0.3)", State.WAITING, "futex"),
     ("select.select([], [], [], 0.3)", State.WAITING, "pselect6")],
    ids=["time.sleep", "a-lock", "select"],
)  # fmt: skip
def test_a_blocked_loop_is_measured_with_what_held_it(
    tmp_path: Path, backend: Backend, code: str, state: State, cause: str
) -> None:
    """0.3 s held on the loop's thread: seen as about 0.3 s, in long stretches, the call named."""
    for _attempt in range(3):  # a busy machine may split or clip one look at it: look again
        call = run(tmp_path, backend, f"""
            import select, threading, time
            async def main():
                {code}
        """, "main")  # fmt: skip
        seen = observed(call)
        longest = seen.longest.seconds if seen.longest is not None else 0.0
        if 0.2 <= seen.blocked <= 0.32 and longest >= 0.15:
            break
    # Looks a busy machine delays miss the edges of the stretch: at least two thirds is seen.
    assert 0.2 <= seen.blocked <= 0.32, seen.summary()
    assert seen.cause == cause, seen.held_by
    assert seen.longest is not None and seen.longest.state is state
    # Words only: on a busy machine the nudge's handler may wait 40 ms for a CPU mid-wait,
    # which splits the stretch the feedback names; the seconds blocked, above, are whole.
    assert seen.longest.seconds >= 0.15


def test_another_loops_poll_is_not_the_calls(tmp_path: Path, backend: Backend) -> None:
    """A nested loop of its own, run on the call's thread: it waits, but not in the call's loop."""
    call = run(tmp_path, backend, """
        import asyncio
        async def main():
            inner = asyncio.new_event_loop()
            running = asyncio.events._get_running_loop()
            asyncio.events._set_running_loop(None)
            try:
                inner.run_until_complete(asyncio.sleep(0.3))
            finally:
                asyncio.events._set_running_loop(running)
                inner.close()
    """, "main")  # fmt: skip
    seen = observed(call)
    assert seen.loops == 1 and seen.cause == State.OTHER_LOOP, seen.held_by
    assert seen.blocked >= 0.2


def test_a_busy_loop_is_measured_in_cpu_time(tmp_path: Path, backend: Backend) -> None:
    """0.3 s of checking the clock: no wait seen, ready to run all along (whatever the load)."""
    call = run(tmp_path, backend, """
        import time
        async def main():
            end = time.monotonic() + 0.3
            while time.monotonic() < end:
                pass
    """, "main")  # fmt: skip
    seen = observed(call)
    assert seen.busy >= 0.25 and seen.blocked < 0.02, seen.summary()


def test_the_child_cannot_hide_from_proc_or_set_timers(tmp_path: Path, backend: Backend) -> None:
    """Making itself undumpable, or a timer that would wake it when idle, is refused."""
    call = run(tmp_path, backend, """
        import ctypes, signal
        async def main():
            refused = []
            if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:
                refused.append("dumpable")
            try:
                signal.setitimer(signal.ITIMER_REAL, 10)
            except OSError:
                refused.append("setitimer")
            try:
                signal.alarm(10)
            except OSError:
                refused.append("alarm")
            return refused
    """, "main")  # fmt: skip
    assert call.value == ["dumpable", "setitimer"] or call.value == [
        "dumpable",
        "setitimer",
        "alarm",
    ], call.value
    assert observed(call).threads == 0


def test_the_child_runs_no_thread_of_the_graders(tmp_path: Path, backend: Backend) -> None:
    """Every thread of the child is the submission's: none is there for it to borrow."""
    call = run(tmp_path, backend, """
        import os, threading
        at_import = (threading.active_count(), len(os.listdir("/proc/self/task")))
        async def main():
            return [*at_import, len(os.listdir("/proc/self/task"))]
    """, "main")  # fmt: skip
    assert call.value == [1, 1, 1], call.value
    assert observed(call).threads_before == 0


# -- the rules, on looks made up for them -----------------------------------------------------


def look(
    at: float, state: State, call: str = "", detail: tuple[int, ...] = (), **kw: Any
) -> Sample:
    return Sample(at, state, call, detail, **kw)


SLEEP = (1, 1, 0x7FF0, 0, 0, 0)


def test_a_wait_seen_twice_without_running_counts_in_full() -> None:
    """Same call, same arguments, never given a CPU in between: held all along."""
    looks = [look(0.0, State.SLEEPING, "clock_nanosleep", SLEEP, runs=3),
             look(0.2, State.SLEEPING, "clock_nanosleep", SLEEP, runs=3),
             look(0.25, State.POLLING, "epoll_wait", runs=4)]  # fmt: skip
    assert holds(looks, 0.3) == pytest.approx([0.2, UNPROVEN, 0.0])
    (stretch,) = stretches(looks, holds(looks, 0.3), 0.3)
    assert (stretch.start, stretch.state, stretch.call) == (0.0, State.SLEEPING, "clock_nanosleep")


def test_a_wait_seen_once_counts_at_most_unproven() -> None:
    """The thread ran between the looks (or the wait changed): no more than UNPROVEN."""
    looks = [look(0.0, State.SLEEPING, "clock_nanosleep", SLEEP, runs=3),
             look(0.2, State.SLEEPING, "clock_nanosleep", SLEEP, runs=4)]  # fmt: skip
    assert holds(looks, 0.25)[0] == pytest.approx(UNPROVEN)


def test_a_gil_wait_is_forgiven_by_what_the_other_threads_ran_a_lock_wait_never() -> None:
    """The GIL's holder ran (or waited for a CPU) 0.03 s of a 0.05 s wait: 0.02 s held.

    A wait on a Python lock (thread.join, queue.get) is not the interpreter's:
    other threads running meanwhile forgive nothing of it.
    """
    futex = (0x1000, 0x89, 0, 0x7FF0, 0, 0)
    gil = [look(0.0, State.WAITING, "futex", futex, runs=3, others=0, interpreter=True),
           look(0.05, State.WAITING, "futex", futex, runs=3, others=30_000_000,
                interpreter=True)]  # fmt: skip
    assert holds(gil, 0.06)[0] == pytest.approx(0.02)
    lock = [look(0.0, State.WAITING, "futex", futex, runs=3, others=0),
            look(0.05, State.WAITING, "futex", futex, runs=3, others=30_000_000)]  # fmt: skip
    assert holds(lock, 0.06)[0] == pytest.approx(0.05)


def test_a_wait_for_the_graders_callable_is_forgiven_but_not_the_callables_own_time() -> None:
    """write() takes 0.2 s: that is the submission's call; taking it and answering are not."""
    futex = (0x1000, 0x189, 0, 0, 0, 0)
    handled = [Handled(request_end=100, name="write", began=0.01, finished=0.21, replied=0.22)]

    def at(when: float, written: int = 100) -> Sample:
        return look(when, State.WAITING, "futex", futex, runs=3, written=written)

    asked, running, answering = at(0.0), at(0.1), at(0.215)
    assert handled[0].covers(asked) and handled[0].covers(answering)
    assert not handled[0].covers(running) and handled[0].running(running)
    assert holds([asked], 0.005, handled)[0] == 0.0
    assert holds([running], 0.105, handled)[0] == pytest.approx(0.005)


def test_looks_at_the_idle_child_around_the_call_are_left_out() -> None:
    """Before: still in the idle wait it was in. After: its whole answer was written by then."""
    pipe = (4, 0x7FF0, 0x10000, 0, 0, 0)  # read(4, ...): waiting for the grader's next call
    idle = look(0.0, State.WAITING, "read", pipe, runs=5, written=10)
    looks = [look(0.001, State.WAITING, "read", pipe, runs=5, written=10),
             look(0.005, State.POLLING, "epoll_wait", runs=6, written=20),
             look(0.29, State.SLEEPING, "clock_nanosleep", SLEEP, runs=8, written=90),
             look(0.3, State.WAITING, "read", pipe, runs=9, written=90)]  # fmt: skip
    # After its answer, what it still did counts (a sleep); its idle wait does not.
    assert within(looks, idle, replied=90, pipe=4) == [looks[1], looks[2]]


def test_looks_too_far_apart_make_the_observation_coarse() -> None:
    """Typically more than COARSE between looks: a short stretch could hide between them."""

    def sparse(gap: float) -> list[Sample]:
        return [look(i * gap, State.POLLING, "epoll_wait") for i in range(1, int(0.3 / gap))]

    assert coarse(sparse(0.1), 0.0, 0.3)
    assert not coarse(sparse(0.005), 0.0, 0.3)
    assert not coarse([], 0.0, 0.01), "a call this short has nothing to hide in"


def test_every_facet_is_named_when_observation_is_missing() -> None:
    """What a report says it could not observe: every facet, each with its reason."""
    assert {str(f) for f in Facet} == {"threads-and-processes", "event-loops", "loop-thread"}
