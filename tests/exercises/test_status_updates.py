"""status-updates: right submissions get full marks, wrong ones lose exactly their checks."""

from __future__ import annotations

from tests.support import verdict_tests

EXERCISE = "status-updates"

TYPE_NAMES = 'reports "error: ExceptionTypeName" for a job that raised, and "ok" for the others'
CONCURRENT = "runs all the jobs at the same time: takes about as long as the slowest"
OK_WHATEVER = 'reports "ok" for every job that finished, whatever it returned'
NO_CANCEL = "a failing job never cancels the others: every job runs to its end"

ON_LOOP = "runs on the event loop it was called on: no threads or loops of its own, never blocked"

WRONG = {
    # a thread per job, each with asyncio.run, joined
    "bad_thread_per_job.py": {ON_LOOP},
    # asyncio.wait(FIRST_EXCEPTION), then the running jobs are cancelled
    "bad_first_exception_cancels.py": {NO_CANCEL},
    "bad_gather_raises.py": {TYPE_NAMES, NO_CANCEL},
    "bad_message_not_type.py": {TYPE_NAMES},
    "bad_sequential.py": {CONCURRENT},
    "bad_taskgroup_cancels.py": {NO_CANCEL},
    # "ok" only for a truthy result
    "bad_truthy_ok.py": {TYPE_NAMES, CONCURRENT, OK_WHATEVER, NO_CANCEL},
    # f"error: {type(exc)}": "<class 'ValueError'>", not the name
    "bad_type_repr.py": {TYPE_NAMES},
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG)
