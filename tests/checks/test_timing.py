"""The timing verdicts, on synthetic measurements (no clock is read here)."""

from __future__ import annotations

import random

import pytest

from grader.checks import timing
from grader.checks.timing import Durations, Recorder, Span, TimingError
from grader.sandbox import Call, Line
from grader.sandbox.observation import Facet, Observation
from grader.sandbox.observation.records import Start, Started


def test_too_fast_fails_at_once_and_is_not_retried() -> None:
    with pytest.raises(AssertionError) as failed:
        timing.expect_concurrent(0.10, 0.40, what="count", sequential=1.6)
    assert not isinstance(failed.value, TimingError)
    assert "took 0.10 s" in str(failed.value) and "0.40 s" in str(failed.value)


def test_too_slow_is_a_timing_error_that_names_both_times() -> None:
    with pytest.raises(TimingError, match=r"took 1\.21 s; concurrent code takes about 0\.40 s"):
        timing.expect_concurrent(1.21, 0.40, what="count", sequential=1.6)


def test_about_the_longest_wait_passes() -> None:
    timing.expect_concurrent(0.40, 0.40, what="count")
    timing.expect_concurrent(0.40 + timing.slack(0.40), 0.40, what="count")


def test_slack_keeps_sequential_code_out() -> None:
    durations = Durations(random.Random(7))
    for _ in range(200):
        waits = durations.spread()
        longest = max(waits)
        assert sum(waits) >= timing.SPREAD * longest - 1e-9
        assert len(set(waits)) == len(waits)
        assert min(waits) + timing.slack(min(waits)) < longest  # "sleep once" is caught
        assert sum(waits) > longest + timing.slack(longest)  # sequential is caught


def test_lines_on_time() -> None:
    call = Call("count", started=10.0, lines=[Line(10.01, "1"), Line(10.31, "2")])
    timing.expect_printed_on_time(call, {"1": 0.0, "2": 0.3}, late_hint="late", early_hint="early")
    with pytest.raises(AssertionError, match="before it was due"):
        timing.expect_printed_on_time(call, {"2": 0.5}, late_hint="late", early_hint="early")
    with pytest.raises(TimingError, match=r"was due at 0\.00 s"):
        timing.expect_printed_on_time(call, {"2": 0.0}, late_hint="late", early_hint="early")
    with pytest.raises(AssertionError, match="never printed"):
        timing.expect_printed_on_time(call, {"3": 0.0}, late_hint="late", early_hint="early")


def test_order_swaps_of_close_waits_are_retried_others_fail() -> None:
    due = {1: 0.0, 2: 0.0, 3: 0.10, 4: 0.13, 5: 0.30}
    timing.expect_in_order([1, 2, 3, 4, 5], due, what="numbers", hint="")
    with pytest.raises(TimingError):
        timing.expect_in_order([1, 2, 4, 3, 5], due, what="numbers", hint="")
    with pytest.raises(AssertionError) as wrong:
        timing.expect_in_order([2, 1, 3, 4, 5], due, what="numbers", hint="")
    assert not isinstance(wrong.value, TimingError)  # equal waits: the order is the code's doing
    with pytest.raises(AssertionError) as sequential:
        timing.expect_in_order([1, 2, 5, 3, 4], due, what="numbers", hint="")
    assert not isinstance(sequential.value, TimingError)


def spans(*intervals: tuple[float, float]) -> Recorder:
    recorder = Recorder()
    recorder.spans = [Span(i, start, end) for i, (start, end) in enumerate(intervals)]
    return recorder


def test_in_flight_counts() -> None:
    recorder = spans((0, 1), (0, 2), (0.5, 1.5), (1.5, 2))
    assert recorder.most_in_flight() == 3
    assert recorder.in_flight(1.2) == 2


def test_slots_kept_busy_versus_batches() -> None:
    # limit 2: a pool starts the next as soon as one ends; batches wait for the slowest
    pool = spans((0, 0.1), (0, 0.3), (0.1, 0.2), (0.2, 0.3))
    batches = spans((0, 0.1), (0, 0.3), (0.3, 0.4), (0.3, 0.6))
    assert pool.idle_while_waiting(2) == pytest.approx(0.0)
    assert batches.idle_while_waiting(2) == pytest.approx(0.2)


def test_a_lower_bound_met_only_while_kept_from_a_cpu_is_judged_as_load() -> None:
    """A call that skipped the waiting but was stalled long enough: not a pass, a TimingError."""

    def judged(busy: float, cpu: float) -> None:
        call = Call("cook", started=0.0, ended=0.21, observed=Observation(busy=busy, cpu=cpu))
        token = timing.ended.set(call)
        try:
            timing.expect_waited(call.elapsed, 0.2, what="cook", hint="")
        finally:
            timing.ended.reset(token)

    judged(busy=0.02, cpu=0.005)  # it waited, and ran a little
    judged(busy=0.2, cpu=0.2)  # it spun the time away: the loop checks' business
    with pytest.raises(TimingError, match=r"ready to run, kept from a CPU, for 0\.19 s"):
        judged(busy=0.2, cpu=0.01)
    unseen = Observation(busy=0.2, cpu=0.01, missing={Facet.LOOP_THREAD: "-"})
    token = timing.ended.set(Call("cook", started=0.0, ended=0.21, observed=unseen))
    try:
        timing.expect_waited(0.21, 0.2, what="cook", hint="")  # not watched: elapsed decides
    finally:
        timing.ended.reset(token)


def test_after_threads_of_the_submission_any_swap_is_judged_by_the_load() -> None:
    """Threads wake in the scheduler's order: a far swap after them may be load's doing."""
    due = {1: 0.0, 2: 0.0, 3: 0.10, 4: 0.13, 5: 0.30}
    threaded = Observation(started=[Started(0.01, Start.THREAD)])
    token = timing.ended.set(Call("count", started=0.0, ended=0.3, observed=threaded))
    try:
        with pytest.raises(TimingError):
            timing.expect_in_order([1, 2, 5, 3, 4], due, what="numbers", hint="")
        with pytest.raises(AssertionError) as tie:
            timing.expect_in_order([2, 1, 3, 4, 5], due, what="numbers", hint="")
        assert not isinstance(tie.value, TimingError)  # equal waits: still the code's order
    finally:
        timing.ended.reset(token)
