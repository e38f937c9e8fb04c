"""recipe-page: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "recipe-page"

CONTENT = "shows every part once, with that part's own content"
ON_ARRIVAL = "shows each part as soon as it has arrived, in arrival order"
SLOWEST = "fetches all parts at once: takes about as long as the slowest part"
COUNT = "returns how many parts it showed"
EMPTY = "shows nothing and returns 0 for a page without parts"
AT_ONCE = "starts fetching every part right away"
ON_LOOP = "runs on the event loop it was called on: no threads or loops of its own, never blocked"

WRONG = {
    # a thread per part fetches it with asyncio.run and shows it from the thread
    "bad_threads.py": {ON_LOOP},
    # returns the index of the last part shown: one less than the number shown
    "bad_count_off_by_one.py": {COUNT},
    # returns None instead of the number of parts shown
    "bad_no_count.py": {COUNT, EMPTY},
    # fetches and shows one part after another: each shown on arrival, but fetched in turn
    "bad_sequential.py": {SLOWEST, AT_ONCE},
    # awaits show(...), a plain function: TypeError
    "bad_show_awaited.py": {CONTENT, ON_ARRIVAL, SLOWEST, COUNT, AT_ONCE, ON_LOOP},
    # gather, then a loop of show: nothing shown until the slowest part is there
    "bad_show_at_end.py": {ON_ARRIVAL},
    # every fetch at once, but shown in the order of parts
    "bad_shows_in_list_order.py": {ON_ARRIVAL},
    # as_completed with parts[i] as the label of the i-th arrival
    "bad_wrong_part.py": {CONTENT},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
