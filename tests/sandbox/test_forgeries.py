"""Submissions that speak the grader's protocol themselves: what they claim is not believed.

The child's end of the pipe is the submission's: it can patch the call
server or write messages of its own. Each forgery here is graded beside the
same code without it, on the same draws: the forgery must earn nothing more.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.grading.report import CheckStatus, ReportStatus
from grader.grading.runner import grade
from grader.outputs.text import render_text
from grader.sandbox import Limits
from tests.support import (
    DATA,
    earns_nothing_more,
    exercise,
    explain,
    grade_file,
    left_behind,
    lost,
    unsure,
)

FORGERS = DATA / "forgers"


@pytest.mark.parametrize(
    ("exercise", "forged", "plain"),
    [("gather", "forged_done.py", "sequential_fetch_all.py"),
     ("timeouts", "forged_pending.py", "uncancelled_fetch_with_timeout.py"),
     ("timeouts", "infinite_pending.py", "uncancelled_fetch_with_timeout.py")],
    ids=["a-done-before-the-end", "no-task-left-pending", "infinitely-many-pending"],
)  # fmt: skip
def test_a_claim_of_the_child_earns_no_point(exercise: str, forged: str, plain: str) -> None:
    """An early DONE (the time a call took) or a pending count of 0 (tasks left running)."""
    honest = grade_file(exercise, FORGERS / plain, seed=7)
    claimed = grade_file(exercise, FORGERS / forged, seed=7)
    assert honest.score < honest.max_score, "the plain code must lose points, or this means nothing"
    assert earns_nothing_more(claimed, honest), lost(honest) - lost(claimed)


SUBMISSIONS = DATA / "submissions"


@pytest.mark.parametrize(
    ("exercise", "forged", "plain"),
    [("count-async", "pongs_sleep_sort.py", SUBMISSIONS / "count-async/bad_sleep_sort.py"),
     ("count-async", "reader_prints.py", FORGERS / "reader_prints_plain.py"),
     ("count-async", "forged_ready.py", FORGERS / "forged_ready_plain.py"),
     ("kitchen", "no_loops_reported.py", SUBMISSIONS / "kitchen/bad_threads_own_loops.py"),
     ("offload", "pongs_join.py", SUBMISSIONS / "offload/bad_thread_join_blocks.py"),
     ("event-loop", "run_unreported.py", SUBMISSIONS / "event-loop/bad_asyncio_run.py"),
     ("event-loop", "closed_reported.py", SUBMISSIONS / "event-loop/bad_not_closed.py"),
     ("futures", "early_returned.py", SUBMISSIONS / "futures/bad_blocking_sleep.py"),
     ("futures", "done_now_said_pending.py", SUBMISSIONS / "futures/bad_delivers_now.py"),
     ("downloads", "early_return.py", SUBMISSIONS / "downloads/bad_sequential.py")],
    ids=["pongs-while-sleeping", "work-in-the-message-handler", "a-ready-of-its-own",
         "no-loops-reported", "pongs-while-joining", "asyncio-run-hidden-and-unreported",
         "an-open-loop-reported-closed", "returned-at-once-said-first",
         "a-done-future-said-pending", "an-answer-before-the-work"],
)  # fmt: skip
def test_what_the_grader_sees_outweighs_what_the_child_says(
    exercise: str, forged: str, plain: Path
) -> None:
    """Forgeries of the child's reports and of the protocol, beside the same code without them.

    Each patches the grader's child-side code or writes messages of its own:
    pongs while the loop's thread sleeps or joins,
    loop reports that hide a thread's loops or an open loop, a first RETURNED
    that says "pending, at once", a READY that calls a plain function async,
    a RETURN sent while the work goes on, prints from the grader's ping
    handler. The grader's own observation decides; none earns a point.
    """
    honest = grade_file(exercise, plain, seed=7)
    claimed = grade_file(exercise, FORGERS / forged, seed=7)
    assert honest.score < honest.max_score, "the plain code must lose points, or this means nothing"
    assert earns_nothing_more(claimed, honest), lost(honest) - lost(claimed)


@pytest.mark.parametrize(
    ("exercise", "forged", "plain"),
    [("count-async", "ca_after_answer_del.py", "ca_after_answer_plain.py"),
     ("kitchen", "ki_forged_return_time_sleep.py", "ki_time_sleep_sort_plain.py"),
     ("kitchen", "ki_epoll_sleep_sort.py", "ki_sleep_sort_plain.py"),
     ("kitchen", "ki_loop_epoll_dup_sleep.py", "ki_sleep_sort_plain.py"),
     ("kitchen", "ki_own_epoll_sleep.py", "ki_sleep_sort_plain.py"),
     ("futures", "fu_epoll_sleep_returned.py", "fu_blocking_sleep_plain.py"),
     ("count-async", "ca_reader_spin_lock_sleep.py", "ca_lock_sleep_plain.py"),
     ("kitchen", "ki_forged_done.py", "ki_sorted_sequential_plain.py"),
     ("offload", "of_cancelled_cover.py", "of_direct_write_plain.py"),
     ("offload", "of_no_threads_async_proxy.py", "of_direct_write_plain.py")],
    ids=["work-after-the-answer", "a-return-written-before-sleeping",
         "sleeping-in-the-loops-own-epoll", "sleeping-in-a-dup-of-the-loops-epoll",
         "sleeping-in-an-epoll-of-its-own", "said-pending-then-slept-in-the-loops-epoll",
         "lock-waits-covered-by-cpu-elsewhere", "a-done-of-its-own",
         "a-cancelled-request-as-cover", "writes-awaited-without-threads"],
)  # fmt: skip
def test_ways_to_hide_blocking_from_the_watcher_earn_nothing(
    exercise: str, forged: str, plain: str
) -> None:
    """A second red-team pass: each hides blocking or skipped work from the grader's watcher.

    Work done after the answer (a __del__), an answer written before the
    work, sleeps inside the loop's own epoll (or a duplicate of it, or one of
    its own), lock waits laundered by CPU spent elsewhere, a DONE of its own,
    a request cancelled at once as cover for a blocking write, the grader's
    async stand-in used in place of threads. Beside the same code without the
    trick, on the same draws, none earns a point.
    """
    honest = grade_file(exercise, FORGERS / plain, seed=7)
    claimed = grade_file(exercise, FORGERS / forged, seed=7)
    assert honest.score < honest.max_score, "the plain code must lose points, or this means nothing"
    assert earns_nothing_more(claimed, honest), lost(honest) - lost(claimed)


@pytest.mark.xfail(
    strict=True,
    reason="tasks that wait on the submission's own queue touch nothing outside its process: "
    "their count is the child's word (docs/isolation.md, what the grader cannot vouch for)",
)
def test_workers_left_pending_cannot_be_hidden() -> None:
    """pipeline: idle workers left pending, and a DONE that says none are."""
    honest = grade_file("pipeline", SUBMISSIONS / "pipeline/bad_no_cancel.py", seed=7)
    claimed = grade_file("pipeline", FORGERS / "workers_pending_hidden.py", seed=7)
    assert honest.score < honest.max_score
    assert claimed.score <= honest.score


@pytest.mark.xfail(
    strict=True,
    reason="which thread called offload's write is the child's word: a submission that sets "
    "the call server's mark itself passes for the loop's executor (docs/isolation.md)",
)
def test_writes_on_threads_of_its_own_cannot_forge_the_executor_mark() -> None:
    """offload: threads by hand, and the server's "handed over by the loop" mark set by hand."""
    honest = grade_file("offload", SUBMISSIONS / "offload/bad_threading_thread_by_hand.py", seed=7)
    claimed = grade_file("offload", FORGERS / "of_marked_hand_threads.py", seed=7)
    assert honest.score < honest.max_score
    assert claimed.score <= honest.score


@pytest.mark.parametrize("forged", ["self_made_load_threads.py", "self_made_load.py"])
def test_load_the_submission_makes_itself_is_not_forgiven(forged: str) -> None:
    """Threads or processes spinning beside sequential code: its late times fail, not `busy`.

    Where the machine lets the plain code's miss fail (load from elsewhere may
    make both inconclusive: graded again up to three times), the forger's
    fails too, and says why; never does it earn more.
    """
    gather = exercise("gather")
    slowest = "takes about as long as the slowest fetch, not the sum"
    decided = None
    for _ in range(5):
        plain = grade(gather, FORGERS / "sequential_fetch_all.py", hidden=False, seed=7)
        claimed = grade(gather, FORGERS / forged, hidden=False, seed=7)
        assert slowest in lost(plain), "the plain code must miss the bound, or this means nothing"
        statuses = {c.name: c.status for c in claimed.checks}
        assert statuses[slowest] is not CheckStatus.PASSED, explain(claimed)
        assert claimed.score <= plain.score
        # Load from elsewhere (a test beside this one) may leave either unsure on one try;
        # on a try that decided both, the forger's late time failed, and says why.
        if slowest not in unsure(plain) and statuses[slowest] is CheckStatus.FAILED:
            decided = claimed
            break
    assert decided is not None, f"in 5 tries, never failed where plain code did: {explain(claimed)}"
    assert "load it makes itself does not excuse a late time" in explain(decided)


def test_a_sandbox_failure_the_submission_claims_is_its_own_fault() -> None:
    """Not "the grader could not grade": a report, 0 points, and why."""
    report = grade_file("count-async", FORGERS / "forged_failure.py")
    assert report.status is ReportStatus.GRADED and report.score == 0, report.message
    said = {c.message for c in report.checks}
    assert said == {"your program sent the grader a message only the sandbox may send"}
    assert left_behind() == []


def test_a_child_that_floods_the_grader_with_requests_is_stopped() -> None:
    """150 requests of 4 MB each, never read back: stopped at the cap, not 2 GB later."""
    # A deadline far off: on a loaded machine the 5 s one could trip before the cap.
    report = grade_file("gather", FORGERS / "callback_flood.py", limits=Limits(call_timeout=120))
    assert report.score == 0
    assert any("more than 64 MB of messages" in c.message for c in report.checks), [
        c.message for c in report.checks
    ]
    assert left_behind() == []


def test_a_huge_returned_text_makes_a_small_report() -> None:
    report = grade_file("count-async", FORGERS / "huge_text.py")
    assert report.score == 0
    assert len(json.dumps(report.to_dict())) < 100_000
    assert any("more characters left out" in c.message for c in report.checks)


def test_terminal_controls_in_a_message_reach_no_terminal() -> None:
    """An exception's text could clear the screen and draw a 10/10 of its own."""
    report = grade_file("count-async", FORGERS / "terminal_escapes.py")
    assert any("\x1b" in c.message for c in report.checks), "the raw message is kept as data"
    shown = render_text(report)
    assert "\x1b" not in shown
    assert shown.splitlines()[-3] == f"score: 0/{report.max_score:g}  ({report.duration:.1f} s)"
