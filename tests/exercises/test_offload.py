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
    # The red team's (2026-12-06): threads of its own, with to_thread only named or run on a
    # dummy. Right answers, in time, off the loop: only "through the loop" is lost.
    "bad_hand_threads_name_only.py": {ON_LOOP},
    "bad_import_time_threads.py": {ON_LOOP},
    "bad_threading_thread_by_hand.py": {ON_LOOP},
    "bad_timer_threads_disguised.py": {ON_LOOP},
    # threads named asyncio_N, like the loop's: a name does not make them the loop's
    "bad_threads_named_like_the_loop.py": {ON_LOOP},
    # to_thread runs one function, which starts and joins a thread per line
    "bad_to_thread_starts_threads.py": {ON_LOOP},
}

NOT_THE_LOOPS = "on a thread the loop's executor did not start"
SAYS = {
    name: NOT_THE_LOOPS
    for name in (
        "bad_hand_threads_name_only.py",
        "bad_import_time_threads.py",
        "bad_threading_thread_by_hand.py",
        "bad_timer_threads_disguised.py",
        "bad_threads_named_like_the_loop.py",
        "bad_to_thread_starts_threads.py",
    )
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG, SAYS)
