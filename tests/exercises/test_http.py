"""http: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "http"

STATUSES = "returns {url: status code} for every url"
ERRORS = "error statuses (404, 500) are results, not exceptions"
SLOWEST = "requests all urls at once: takes about as long as the slowest response"
ONE_SESSION = "sends every request through one ClientSession"
CLOSED = "closes its session: leaves no connection open when it returns"
ON_LOOP = "runs on the event loop it was called on: no threads or loops of its own, never blocked"

WRONG = {
    # no aiohttp: blocking http.client in a pool of threads with a keep-alive pool of its own
    "bad_blocking_pool.py": {ON_LOOP, ONE_SESSION},
    # urllib in coroutines: blocks the loop, one request at a time, no session at all
    "bad_blocking_urllib.py": {SLOWEST, ONE_SESSION, ON_LOOP},
    # statuses paired with the urls in the order the responses arrived
    "bad_finish_order.py": {STATUSES, ERRORS},
    # allow_redirects=False: a redirected url reports 302, not its page's status
    "bad_no_redirects.py": {ONE_SESSION},
    # raise_for_status=True: a 404 or 500 becomes an exception
    "bad_raise_for_status.py": {ERRORS},
    # one request after another
    "bad_sequential.py": {SLOWEST},
    # a session created and dropped, never closed: the garbage collector closes it
    "bad_session_dropped.py": {CLOSED},
    # a module-level session that is never closed: its connections stay open
    "bad_session_not_closed.py": {CLOSED},
    # a new ClientSession for every url
    "bad_session_per_url.py": {ONE_SESSION},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
