"""event-loop: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "event-loop"

ORDER = "returns the coroutines' results in the order of the list"
SLOWEST = "runs the coroutines concurrently: takes about as long as the slowest"
CLOSES = "creates one new event loop for all the coroutines and closes it before returning"
NO_RUN = "drives the loop itself, without asyncio.run"
FRESH = "uses a fresh event loop at every call"
PROPAGATES = "when a coroutine raises, run_in_new_loop raises that exception"
CLOSES_AFTER_RAISE = "closes the loop also when a coroutine raised"
ON_LOOP = "runs every coroutine on its one new loop: no threads or processes, never blocked"

WRONG = {
    # asyncio.run does the driving (and the closing)
    "bad_asyncio_run.py": {NO_RUN},
    # no try/finally: the loop stays open when a coroutine raised
    "bad_close_on_success.py": {CLOSES_AFTER_RAISE},
    # results in finishing order
    "bad_finish_order.py": {ORDER},
    # asyncio.get_event_loop(): the second call gets the first call's closed loop
    "bad_get_event_loop.py": {FRESH},
    # a new loop per coroutine, one after another
    "bad_loop_per_coroutine.py": {SLOWEST, CLOSES, ON_LOOP},
    # never closes its loop
    "bad_not_closed.py": {CLOSES, CLOSES_AFTER_RAISE},
    # gather(return_exceptions=True): an exception comes back as a result
    "bad_returns_exceptions.py": {PROPAGATES, CLOSES_AFTER_RAISE},
    # run_until_complete once per coroutine: one after another
    "bad_sequential.py": {SLOWEST},
    # a thread and a new loop per coroutine: parallel, but not one loop running them all
    "bad_thread_per_coroutine.py": {CLOSES, ON_LOOP},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
