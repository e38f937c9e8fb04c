"""timeouts: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "timeouts"

RESULTS = "returns each fast fetch's result, and None for each slow one"
GIVES_UP = "gives up on the slow ones: takes about `timeout`, not the slowest fetch"
CANCELS = "cancels each slow fetch when its time is up, and leaves none running"
ALL_FAST = "when every fetch is in time, returns all results after about the slowest one"
AT_ONCE = "starts every fetch at once"

ON_LOOP = "runs on the event loop it was called on: no threads or loops of its own, never blocked"

WRONG = {
    # a thread per key, each running wait_for with asyncio.run
    "bad_threads.py": {ON_LOOP},
    # cancels the pending fetches but does not await them
    "bad_cancel_not_awaited.py": {CANCELS},
    # slow keys left out of the dict
    "bad_drops_slow_keys.py": {RESULTS, GIVES_UP, CANCELS},
    # gather(return_exceptions=True): a slow key maps to its TimeoutError
    "bad_exception_as_result.py": {RESULTS, GIVES_UP, CANCELS},
    # asyncio.wait(timeout=...) without cancelling the pending tasks
    "bad_no_cancel.py": {CANCELS},
    # plain gather: waits for the slow ones and returns their results
    "bad_no_timeout.py": {RESULTS, GIVES_UP, CANCELS},
    # one wait_for around the whole gather: every result None
    "bad_one_timeout_for_all.py": {RESULTS, GIVES_UP, CANCELS},
    # its own timeout for each fetch, but awaited one after another
    "bad_sequential.py": {GIVES_UP, ALL_FAST, AT_ONCE},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
