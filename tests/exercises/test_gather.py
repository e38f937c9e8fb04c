"""gather: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "gather"

ORDER = "returns the results in the order of keys, not in the order they finished"
IN_FLIGHT = "calls fetch for every key with all the calls in flight at once"
SLOWEST = "takes about as long as the slowest fetch, not the sum"
RAISES = "when a fetch raises, fetch_all raises that same exception"
MANY = "with many keys, fetches each once, all at once, in about the slowest fetch's time"
ANY = "keys and results of any kind come back in the order of keys"

ON_LOOP = "runs on the event loop it was called on: no threads or loops of its own, never blocked"

WRONG = {
    # a thread per key, each fetch run with asyncio.run, joined
    "bad_thread_per_key.py": {ON_LOOP},
    # a pool of threads maps asyncio.run over the keys
    "bad_pool_asyncio_run.py": {ON_LOOP},
    # results stored in a dict as they arrive: its values come in finishing order
    "bad_dict_values_finish_order.py": {ORDER, ANY},
    # a TaskGroup's ExceptionGroup escapes instead of the fetch's own exception
    "bad_exception_group.py": {RAISES},
    # as_completed: finishing order instead of the order of keys
    "bad_finish_order.py": {ORDER, ANY},
    # a RuntimeError of its own instead of the fetch's exception
    "bad_reraises_as_runtime_error.py": {RAISES},
    # one fetch after another
    "bad_sequential.py": {IN_FLIGHT, SLOWEST, MANY},
    # range(len(keys) - 1): the last key is never fetched
    "bad_skips_last_key.py": {ORDER, IN_FLIGHT, SLOWEST, MANY, ANY},
    # return_exceptions=True: returns the exception instead of raising it
    "bad_swallows_errors.py": {RAISES},
    # a task awaited right after it was created: still one at a time
    "bad_tasks_awaited_in_turn.py": {IN_FLIGHT, SLOWEST, MANY},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
