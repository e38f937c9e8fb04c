"""kitchen: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "kitchen"

COOK = "cook(dish, seconds) returns the dish after waiting its seconds"
ORDER = "make_breakfast returns the dishes in the order they finished cooking"
SLOWEST = "make_breakfast takes about as long as the slowest dish, not the sum"
COOK_BLOCKS = "cook waits on the event loop it was called on, and never blocks it"
ON_LOOP = "make_breakfast cooks the dishes as tasks on its loop: no threads, never blocked"
CLOSE = "make_breakfast keeps the finishing order when dishes finish close together"
BIG = "a big menu still takes about as long as its slowest dish"
ALL = {COOK, ORDER, SLOWEST, COOK_BLOCKS, ON_LOOP, CLOSE, BIG}

BREAKFAST = {ORDER, SLOWEST, ON_LOOP, CLOSE, BIG}

WRONG = {
    # make_breakfast cooks nothing: the menu sorted, time.sleep for each gap
    "bad_sleep_sort.py": {ON_LOOP},
    # cook sleeps in a thread (time.sleep through run_in_executor)
    "bad_executor_sleeps.py": {COOK_BLOCKS, ON_LOOP},
    # cook forgets to return its dish
    "bad_cook_returns_nothing.py": {COOK, COOK_BLOCKS},
    # cook(...) without await: coroutine objects come back, nothing is cooked
    "bad_forgot_await.py": BREAKFAST,
    # gather: every dish cooked at once, but the names come back in menu order
    "bad_menu_order.py": {ORDER, CLOSE},
    # no waiting at all: right order, but nothing was cooked
    "bad_no_cooking.py": ALL,
    # one dish after another: menu order, and the sum of the times
    "bad_sequential.py": {ORDER, SLOWEST, CLOSE, BIG, ON_LOOP},
    # a thread per dish, each with asyncio.run: right order and time, wrong mechanism
    "bad_threads_own_loops.py": {ON_LOOP},
    # time.sleep in cook: each dish blocks the loop, so they cook in turn, in menu order
    "bad_time_sleep.py": {ORDER, SLOWEST, COOK_BLOCKS, ON_LOOP, CLOSE, BIG},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
