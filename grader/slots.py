"""Verdicts on a pool of slots: never more than `limit` at once, and none left idle.

`download_all(download, urls, limit)` style contracts promise two things about
the calls of an injected callable: at most `limit` are in flight at any moment
(`grader.timing.Recorder.most_in_flight`), and while calls are still waiting to
start, `limit` are in flight (`Recorder.idle_while_waiting`). The second is a
matter of time: handing a freed slot to the next call takes a message each way
between the grader and the submission, and a busy machine makes that slower.
So idle time is allowed up to the same slack as any upper time bound, and more
raises `TimingError`, which the grader retries. A pool that works in batches,
or that never fills a slot, leaves a slot idle for far longer than that.
"""

from __future__ import annotations

from grader.timing import Recorder, TimingError, slack


def expect_at_most(recorder: Recorder, limit: int, *, what: str, hint: str) -> None:
    """No more than `limit` recorded calls were ever in flight at one moment."""
    most = recorder.most_in_flight()
    if most > limit:
        raise AssertionError(
            f"{what} had {most} calls in flight at one moment, but at most {limit} are allowed; "
            f"{hint}"
        )


def expect_slots_busy(recorder: Recorder, slots: int, *, what: str, hint: str) -> None:
    """While calls were waiting to start, `slots` of them were in flight (retried)."""
    idle = recorder.idle_while_waiting(slots)
    allowed = slack(0.0)
    if idle > allowed:
        raise TimingError(
            f"{what} left a slot idle for {idle:.2f} s in all while other calls were still "
            f"waiting to start (at most {allowed:.2f} s is fine): fewer than {slots} were in "
            f"flight; {hint}"
        )
