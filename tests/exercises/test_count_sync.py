"""count-sync: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "count-sync"

ORDER = "prints the numbers 1 to n, one per line, in order"
PAUSES = "sleeps before each paused number, and only then prints it"
RETURNS = "returns the elapsed time of the count, measured by itself"
MATCHES = "the returned time matches the real time, however many pauses there are"
DEFAULTS = "with no arguments, counts 1 to 30 without sleeping"

WRONG = {
    # async def: nothing is printed by calling it
    "bad_async.py": {ORDER, RETURNS, MATCHES},
    # halves time.perf_counter in the child: the grader's own clock is not fooled
    "bad_clock_patch.py": {RETURNS, MATCHES},
    # times itself with time.process_time(): sleeping uses no CPU time
    "bad_process_time.py": {RETURNS, MATCHES},
    # range(n) printing i + 1: every pause one number late, the pause on n never taken
    "bad_range_n.py": {PAUSES, RETURNS, MATCHES},
    # range(1, n): the last number is never printed; those printed are on time, and it
    # times itself right: only the checks of which numbers print are lost
    "bad_range_to_n_minus_1.py": {ORDER, DEFAULTS},
    # range(n), 0 to n-1, pausing where asked: the same, one number lower (issue 19)
    "bad_range_zero_based.py": {ORDER, DEFAULTS},
    # prints 1 alone: the pauses of the numbers it left out cannot be timed
    "bad_prints_only_one.py": {ORDER, PAUSES, DEFAULTS},
    # returns 0.0 instead of measuring
    "bad_returns_sum.py": {RETURNS, MATCHES},
    # never sleeps, returns the sum of the pauses
    "bad_skips_pauses.py": {PAUSES, RETURNS, MATCHES},
    # prints k, then sleeps: each paused number comes out before its pause
    "bad_sleep_after_print.py": {PAUSES},
    # The red team's (2026-12-06): the same waits made another way than time.sleep on the
    # count's own thread. (ctypes usleep makes time.sleep's system call: it cannot be told;
    # a python child per pause also loses timing checks as its start-up varies with load,
    # so it is a unit test in test_loop_verdicts.)
    "bad_select_sleep.py": {PAUSES},
    "bad_thread_sleep.py": {PAUSES},
}

SAYS = {
    "bad_async.py": "plain function",
    "bad_clock_patch.py": "its pauses alone take",
    "bad_returns_sum.py": "returned 0.000 s",
    "bad_skips_pauses.py": "before it was due",
    "bad_sleep_after_print.py": "before it was due",
    "bad_select_sleep.py": "waited in select",
    "bad_thread_sleep.py": "started 3 threads",
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG, SAYS)
