"""offload: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "offload"

COUNTS = "writes every line once and returns how many were written"
CONCURRENT = "runs the writes in threads at the same time: takes about as long as the slowest"
SKIPS = "skips a write that raises OSError: counts only the lines written, and writes the rest"
ON_LOOP = "runs the writes in threads through the loop (to_thread), which stays free all along"

WRONG = {
    # OSError caught around the whole gather, and one failure assumed
    "bad_catches_around_gather.py": {SKIPS},
    "bad_counts_failures.py": {SKIPS},
    "bad_crash_on_oserror.py": {SKIPS},
    "bad_direct_write.py": {CONCURRENT, ON_LOOP},
    # a ThreadPoolExecutor of one thread: off the loop, but one write at a time
    "bad_executor_one_worker.py": {CONCURRENT},
    # processes that call the grader's write: refused there, every time, not answered by chance
    "bad_process_pool.py": {COUNTS, CONCURRENT, SKIPS, ON_LOOP},
    "bad_sequential_threads.py": {CONCURRENT},
    # threads joined with Thread.join() in the coroutine: the loop is blocked meanwhile
    "bad_thread_join_blocks.py": {ON_LOOP},
    # to_thread(write(line)): write runs on the loop, to_thread gets None
    "bad_to_thread_called_eagerly.py": {COUNTS, CONCURRENT, SKIPS, ON_LOOP},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
