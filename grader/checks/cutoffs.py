"""Verdicts on calls a submission cut off: cancelled, and when.

A timeout in the submission starts on its own clock, somewhere between the
moment the grader sent the call (`Call.started`) and the moment the grader
saw the injected callable start (`Span.started`, one message later). So a
cancellation that came `timeout` seconds after the submission's timer started
is judged from both ends, with the reference that is fair to the submission:

- too early: fewer than `timeout` seconds after the *call* was sent; no timer
  can have started before that, so this fails at once;
- too late: more than `timeout` plus slack after the *span* started; load only
  adds time, so this raises `TimingError` and the check is retried.
"""

from __future__ import annotations

from grader.checks.failures import CheckFailed, TimingError
from grader.checks.timing import EARLY, Span, slack
from grader.sandbox import Call


def expect_cut_off(span: Span, timeout: float, call: Call, *, what: str, hint: str) -> None:
    """`span` was cancelled (it received CancelledError) about `timeout` s after it began."""
    if not span.cancelled:
        how = "is still running" if span.ended is None else "ran to its end"
        if span.raised:
            how = f"raised {span.raised}"
        raise CheckFailed(
            f"{what} was never cancelled (it {how}); {hint}",
            expected=f"{what} is cancelled after {timeout:.2f} s",
            measured=f"{what} was never cancelled (it {how})",
            hint=hint,
        )
    assert span.ended is not None
    since_call = span.ended - call.started
    bounds = {"at_least": timeout - EARLY, "at_most": timeout + slack(timeout)}
    if since_call < timeout - EARLY:
        raise CheckFailed(
            f"{what} was cancelled {since_call:.2f} s after the call began, before its "
            f"timeout of {timeout:.2f} s was up; cancel a call only when its time is up",
            expected=f"{what} is cancelled when its timeout of {timeout:.2f} s is up",
            measured=f"{what} was cancelled {since_call:.2f} s after the call began",
            hint="cancel a call only when its time is up",
            bounds={"measured": since_call, **bounds},
        )
    ran = span.ended - span.started
    if ran > timeout + slack(timeout):
        raise TimingError(
            f"{what} ran {ran:.2f} s before it was cancelled, but its timeout was "
            f"{timeout:.2f} s; cancel it as soon as its time is up",
            expected=f"{what} is cancelled when its timeout of {timeout:.2f} s is up",
            measured=f"{what} ran {ran:.2f} s before it was cancelled",
            hint="cancel it as soon as its time is up",
            bounds={"measured": ran, **bounds},
        )
