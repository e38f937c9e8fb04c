"""pipeline: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "pipeline"

ORDER = "returns the results in the order the jobs arrived, not the order they finished"
QUEUED = "finishes the jobs still waiting in the queue when the source ends"
BUSY = "keeps exactly n_workers jobs in flight while jobs are waiting"
ON_ARRIVAL = "starts working on each job as soon as it arrives, while the source is still open"
NOT_PENDING = "leaves no task pending when it returns: the workers are stopped and awaited"
EMPTY = "returns an empty list when the source has no jobs"
ON_LOOP = "feeds its workers through an asyncio.Queue on its loop: no threads, never blocked"

WRONG = {
    # worker threads, each running the worker with asyncio.run, fed by a queue.Queue
    "bad_threads.py": {ON_LOOP},
    "bad_cancel_too_early.py": {ORDER, QUEUED},
    "bad_collect_first.py": {ON_ARRIVAL},
    "bad_finish_order.py": {ORDER},
    "bad_no_cancel.py": {NOT_PENDING},
    # a queue per worker, jobs dealt out round robin: a job waits for its own worker
    "bad_queue_per_worker.py": {BUSY, ON_ARRIVAL},
    # n_workers - 1 stop markers: one worker is left waiting on queue.get()
    "bad_sentinels_one_short.py": {NOT_PENDING},
    "bad_task_per_job.py": {ON_LOOP, BUSY},
    # workers that stop when the queue is empty stop before the first job arrives
    "bad_workers_quit_on_empty_queue.py": {ORDER, QUEUED, BUSY, ON_ARRIVAL, NOT_PENDING, ON_LOOP},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
