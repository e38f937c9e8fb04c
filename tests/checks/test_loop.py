"""Verdicts on how a call used its loop (grader.checks.loop), on calls and observations made up.

The kernel's view decides and fails at once (load cannot start threads or
put a thread to sleep); the child's word only ever adds; where the loop's
thread was not observed, the child's pings decide, retried like a time bound.
"""

from __future__ import annotations

import dataclasses

import pytest

from grader.checks import CheckFailed, TimingError
from grader.checks.loop import (
    BUSY,
    HELD,
    expect_no_other_loop,
    expect_not_blocked,
    expect_on_the_loop,
    expect_responsive,
    expect_slept,
    expect_through_the_loop,
    loops_left_open,
    loops_made,
    returned_pending_at,
)
from grader.sandbox import Call
from grader.sandbox.observation import Facet, Observation
from grader.sandbox.observation.records import Start, Started, State, Stretch
from grader.sandbox.records import Said


def call(observed: Observation | None = None, **fields: object) -> Call:
    """A call of `count`, as the grader saw it; fields of what the child said go to `said`."""
    words = {name: fields.pop(name) for name in list(fields) if name in SAID}
    said = Said(**words)  # type: ignore[arg-type]
    return Call("count", started=0.0, ended=0.3, observed=observed, said=said, **fields)  # type: ignore[arg-type]


SAID = {f.name for f in dataclasses.fields(Said)}


def test_without_observation_the_childs_pings_decide_and_are_retried() -> None:
    with pytest.raises(TimingError, match=r"blocked for 0\.31 s"):
        expect_responsive(call(stall=0.31), what="count")
    expect_responsive(call(stall=0.01), what="count")
    unobserved = Observation(missing={Facet.LOOP_THREAD: "not here"})
    with pytest.raises(TimingError):
        expect_not_blocked(call(unobserved, stall=0.31), what="count")


def test_a_held_loop_fails_at_once_and_says_what_held_it() -> None:
    held = Observation(
        blocked=0.29,
        held_by={"clock_nanosleep": 0.29},
        stretches=[Stretch(0.0, 0.29, State.SLEEPING, "clock_nanosleep")],
    )
    with pytest.raises(CheckFailed) as failed:
        expect_not_blocked(call(held, stall=0.0), what="count()")  # the child says all was fine
    assert not isinstance(failed.value, TimingError), "load cannot put a thread to sleep"
    assert "blocked for 0.29 s in all" in failed.value.message
    assert "slept (time.sleep)" in failed.value.message
    assert failed.value.bounds == {"measured": 0.29, "at_most": HELD}


def test_a_loop_kept_busy_fails_at_once() -> None:
    with pytest.raises(CheckFailed, match=r"kept the CPU busy for 0\.28 s"):
        expect_not_blocked(call(Observation(busy=0.28)), what="count()")
    expect_not_blocked(call(Observation(busy=BUSY / 2, blocked=HELD / 2)), what="count()")


def test_looks_too_far_apart_are_retried_not_passed() -> None:
    with pytest.raises(TimingError, match="could not look at the event loop"):
        expect_not_blocked(call(Observation(coarse=True)), what="count()")


def test_threads_and_processes_fail_the_loop_check_unless_threads_are_asked_for() -> None:
    started = [Started(0.1, Start.THREAD), Started(0.1, Start.THREAD)]
    earlier = [Started(-0.5, Start.THREAD)]
    threaded = call(Observation(started=started, earlier=earlier, imported=earlier))
    with pytest.raises(
        CheckFailed,
        match=r"ran with 3 threads of your program's \(2 started by it, 1 while your file was "
        r"imported\)",
    ):
        expect_on_the_loop(threaded, what="count()")
    expect_on_the_loop(threaded, what="count()", threads=True)  # offload's writes
    forked = call(Observation(started=[Started(0.1, Start.PROCESS)]))
    with pytest.raises(CheckFailed, match="started 1 process;"):
        expect_on_the_loop(forked, what="count()", threads=True)


def test_loops_of_its_own_are_counted_by_the_kernel_and_the_child_can_only_add() -> None:
    kernel_saw_two = call(Observation(loops=2))
    assert loops_made(kernel_saw_two) == 2  # the child says none: it is not believed
    with pytest.raises(CheckFailed, match="made 2 event loops of its own"):
        expect_on_the_loop(kernel_saw_two, what="main()")
    expect_on_the_loop(call(Observation(loops=1)), what="main()", loops=1)
    child_says_one = call(Observation(loops=0), loops=[{"closed": True}])
    assert loops_made(child_says_one) == 1 and loops_made(child_says_one, surely=True) == 0
    with pytest.raises(CheckFailed):
        expect_no_other_loop(child_says_one, what="main()", hint="tasks")
    assert loops_left_open(call(Observation(loops_open=1), loops=[{"closed": True}])) == 1


def test_a_pending_future_needs_the_loop_seen_waiting_for_it() -> None:
    said = {"pending": True, "future": True}
    honest = call(Observation(polled_at=0.006), returned_at=0.002, returned=said)
    assert returned_pending_at(honest) == 0.006
    never_waited = call(Observation(polled_at=None), returned_at=0.002, returned=said)
    assert returned_pending_at(never_waited) is None  # done already, whatever it said
    late = call(Observation(polled_at=0.25), returned_at=0.001, returned=said)
    assert returned_pending_at(late) == 0.25  # it said "at once"; its loop waited only later
    unobserved = call(Observation(missing={Facet.LOOP_THREAD: "-"}), returned_at=0.002,
                      returned=said)  # fmt: skip
    assert returned_pending_at(unobserved) == 0.002


def test_a_pending_future_is_not_taken_on_a_thread_load_kept_from_spinning() -> None:
    """Ready to run, little on a CPU: load may have hidden a spin, so it is judged as timing."""
    said = {"pending": True, "future": True}
    spun = call(Observation(polled_at=0.004, busy=0.3, cpu=BUSY), returned_at=0.002, returned=said)
    assert returned_pending_at(spun) is None  # its own CPU time: not free, at once
    hidden = call(Observation(polled_at=0.004, busy=0.3, cpu=0.04), returned_at=0.002,
                  returned=said)  # fmt: skip
    with pytest.raises(TimingError, match=r"ready to run for 0\.30 s"):
        returned_pending_at(hidden)
    waited = call(Observation(polled_at=0.004, busy=0.01, cpu=0.004), returned_at=0.002,
                  returned=said)  # fmt: skip
    assert returned_pending_at(waited) == 0.004


def test_only_what_started_before_the_first_call_is_blamed_on_the_import() -> None:
    """futures: a thread deliver_later started is an earlier call's, not the import's."""
    by_a_call = call(Observation(earlier=[Started(-0.5, Start.THREAD)]))
    with pytest.raises(CheckFailed) as failed:
        expect_on_the_loop(by_a_call, what="first_done()")
    assert "(1 by an earlier call, before this one)" in failed.value.message
    assert "imported" not in failed.value.message


def test_writes_count_through_the_loop_only_when_its_executor_ran_them() -> None:
    """offload: the child says which thread called each write; only the executor's pass."""
    handed = [("write", "executor"), ("write", "executor")]
    expect_through_the_loop(call(callers=handed), what="save_all()", hint="to_thread")
    expect_through_the_loop(call(callers=[]), what="save_all()", hint="to_thread")
    by_hand = call(callers=[("write", "executor"), ("write", "thread"), ("write", "")])
    with pytest.raises(CheckFailed) as failed:
        expect_through_the_loop(by_hand, what="save_all()", hint="use to_thread")
    assert "2 of its 3 calls of write() ran on a thread the loop's executor did not start" in (
        failed.value.message
    )
    with pytest.raises(CheckFailed, match="on the event loop's own thread"):
        expect_through_the_loop(call(callers=[("write", "loop")]), what="save_all()", hint="")


def test_a_plain_wait_passes_only_as_a_sleep_on_its_own_thread() -> None:
    """count-sync: time.sleep passes; a thread, a process, or a wait in select fails."""
    slept = Observation(stretches=[Stretch(0.0, 0.29, State.SLEEPING, "clock_nanosleep")])
    expect_slept(call(slept), what="count()", hint="time.sleep")
    selected = Observation(stretches=[Stretch(0.0, 0.29, State.WAITING, "pselect6")])
    with pytest.raises(CheckFailed, match=r"did not sleep: for 0\.29 s its thread waited in sel"):
        expect_slept(call(selected), what="count()", hint="time.sleep")
    forked = Observation(started=[Started(0.1, Start.PROCESS)] * 3)
    with pytest.raises(CheckFailed, match="started 3 processes;"):
        expect_slept(call(forked), what="count()", hint="time.sleep")
    threaded = Observation(started=[Started(0.1, Start.THREAD)])
    with pytest.raises(CheckFailed, match="started 1 thread;"):
        expect_slept(call(threaded), what="count()", hint="time.sleep")
