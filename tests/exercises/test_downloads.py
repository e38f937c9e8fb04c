"""downloads: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "downloads"

ONCE = "downloads every url once and returns {url: result}"
AT_MOST = "never has more than `limit` downloads in flight"
BUSY = "keeps `limit` downloads in flight while urls are waiting"
EQUAL = "n downloads of d seconds each take about ceil(n / limit) × d"
LIMIT_ONE = "with limit 1, downloads one url at a time"
ALL_AT_ONCE = "with as many slots as urls, starts every download at once"

ON_LOOP = "runs on the event loop it was called on: no threads or loops of its own, never blocked"

WRONG = {
    # a thread per url under a threading.Semaphore(limit), each with asyncio.run
    "bad_thread_semaphore.py": {ON_LOOP},
    # chunks of `limit`, each waiting for its slowest: slots sit idle
    "bad_batches.py": {BUSY},
    # one run of consecutive urls per worker, dealt out up front
    "bad_chunk_per_worker.py": {BUSY},
    # Semaphore(limit + 1): one download too many at once
    "bad_limit_plus_one.py": {AT_MOST, EQUAL, LIMIT_ONE},
    # gather of everything: ignores the limit
    "bad_no_limit.py": {AT_MOST, EQUAL, LIMIT_ONE},
    # Semaphore(limit - 1): one slot always empty
    "bad_one_slot_short.py": {BUSY, ALL_AT_ONCE},
    # results paired with the urls in finishing order
    "bad_results_in_finish_order.py": {ONCE, AT_MOST, BUSY, ALL_AT_ONCE},
    # a new Semaphore in every download: nothing is limited
    "bad_semaphore_per_task.py": {AT_MOST, EQUAL, LIMIT_ONE},
    # one download at a time
    "bad_sequential.py": {BUSY, EQUAL, ALL_AT_ONCE},
    # urls[i::limit] dealt out to `limit` workers up front: short queues finish, slots idle
    "bad_static_dealing.py": {BUSY},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
