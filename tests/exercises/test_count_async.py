"""count-async: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "count-async"

ONCE = "prints every number once, and returns them in the order printed"
ORDER = "unpaused numbers come first in ascending order, then the shortest pause first"
LONGEST = "takes about as long as the longest pause, not their sum"
ON_TIME = "prints each number as soon as its own pause is over"
ON_LOOP = "runs the numbers as tasks on the loop it was called on: no threads, never blocked"
DEFAULTS = "with no arguments, prints 1 to 30 at once"

WRONG = {
    # no asyncio at all: the pauses sorted, time.sleep for each gap ("sleep sort")
    "bad_sleep_sort.py": {ON_LOOP},
    # no waiting at all: a loop that checks the clock until each number is due
    "bad_busy_wait.py": {ON_LOOP},
    # a thread per paused number sleeps, then prints; the coroutine joins them
    "bad_thread_per_number.py": {ON_LOOP},
    # the pauses slept in a pool of threads (time.sleep through run_in_executor)
    "bad_executor_sleeps.py": {ON_LOOP},
    # a process per paused number sleeps and prints; the coroutine waits for them to end
    "bad_processes.py": {ON_LOOP},
    # speeds up asyncio's clock in the child: the grader's own clock is not fooled
    "bad_clock_patch.py": {ORDER, ON_TIME, ON_LOOP},
    # prints in the right order at once, never waits
    "bad_no_pauses.py": {LONGEST, ON_TIME, ON_LOOP},
    # prints everything in the right order at once, then waits for the longest pause
    "bad_precomputed.py": {ON_TIME, ON_LOOP},
    # each number prints, then pauses: all come out at once, in ascending order
    "bad_print_then_sleep.py": {ORDER, ON_TIME},
    # range(1, n): n is never printed
    "bad_range_to_n_minus_1.py": {ONCE, ORDER, LONGEST, ON_TIME, DEFAULTS},
    # prints on time, but returns the numbers sorted
    "bad_returns_sorted.py": {ONCE},
    # one number after another
    "bad_sequential.py": {ORDER, LONGEST, ON_TIME, ON_LOOP},
    # waits for the longest pause, then prints everything
    "bad_sleep_longest.py": {ON_TIME, ON_LOOP},
    # time.sleep in each coroutine: blocks the loop, the pauses add up
    "bad_time_sleep.py": {ORDER, LONGEST, ON_TIME, ON_LOOP},
}

SAYS = {
    "bad_sequential.py": "one after another",
    "bad_time_sleep.py": "time.sleep",
    "bad_no_pauses.py": "skip the pauses",
    "bad_precomputed.py": "before it was due",
    "bad_sleep_longest.py": "the moment its own pause ends",
    "bad_clock_patch.py": "before it was due",
    "bad_print_then_sleep.py": "before it was due",
    "bad_sleep_sort.py": "slept (time.sleep)",
    "bad_busy_wait.py": "kept the CPU busy",
    "bad_thread_per_number.py": "threads",
    "bad_executor_sleeps.py": "threads",
    "bad_processes.py": "processes",
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG, SAYS)
