"""What check authors write checks with: import everything from here.

    from grader.checks import Scene, expect_concurrent, expect_on_the_loop

Released student kits freeze their check files' imports, so this one module is
the promise: every name in `__all__` stays importable from `grader.checks`,
whichever module of the package holds it (the modules behind it may move).

- the submission as a check calls it, and awaitables made in its child:
  `Submission`, `coroutine`, `task`, `future`, `iterator`;
- what a call showed and how it can fail: `Call`, `SubmissionRaised`, ...;
- failures as data: `CheckFailed`, and `TimingError`, the one a retry forgives;
- time verdicts and the recorders of injected callables (`timing`);
- whether a call ran on its event loop, from what the grader saw from
  outside the child (`loop`);
- `Scene`, the fixture `scene`: the submission, its drawn waits and its
  recorder in one value;
- correctness helpers (`assertions`), pools of slots (`pools`), cut-offs
  (`cutoffs`), a local HTTP server (`httpserver`), and `sibling`, which loaded
  a check folder's shared `common.py` before the folder was a package
  (deprecated: check files now write `from .common import ...`).

Names are loaded on first use, so a check file that needs no HTTP server does
not pay for importing aiohttp.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.checks.assertions import TOGETHER as TOGETHER
    from grader.checks.assertions import expect_async as expect_async
    from grader.checks.assertions import expect_entries as expect_entries
    from grader.checks.assertions import expect_plain as expect_plain
    from grader.checks.assertions import expect_type as expect_type
    from grader.checks.assertions import expect_uses as expect_uses
    from grader.checks.assertions import printed_numbers as printed_numbers
    from grader.checks.cutoffs import expect_cut_off as expect_cut_off
    from grader.checks.failures import CheckFailed as CheckFailed
    from grader.checks.failures import TimingError as TimingError
    from grader.checks.httpserver import Hit as Hit
    from grader.checks.httpserver import HttpServer as HttpServer
    from grader.checks.httpserver import Route as Route
    from grader.checks.loop import BUSY as BUSY
    from grader.checks.loop import HELD as HELD
    from grader.checks.loop import STALL as STALL
    from grader.checks.loop import expect_no_other_loop as expect_no_other_loop
    from grader.checks.loop import expect_not_blocked as expect_not_blocked
    from grader.checks.loop import expect_on_the_loop as expect_on_the_loop
    from grader.checks.loop import expect_responsive as expect_responsive
    from grader.checks.loop import expect_slept as expect_slept
    from grader.checks.loop import expect_threads as expect_threads
    from grader.checks.loop import expect_through_the_loop as expect_through_the_loop
    from grader.checks.loop import loops_left_open as loops_left_open
    from grader.checks.loop import loops_made as loops_made
    from grader.checks.loop import returned_pending_at as returned_pending_at
    from grader.checks.modules import sibling as sibling
    from grader.checks.pools import Feed as Feed
    from grader.checks.pools import expect_at_most as expect_at_most
    from grader.checks.pools import expect_slots_busy as expect_slots_busy
    from grader.checks.pools import plan as plan
    from grader.checks.scene import Scene as Scene
    from grader.checks.submission import Made as Made
    from grader.checks.submission import Submission as Submission
    from grader.checks.submission import coroutine as coroutine
    from grader.checks.submission import future as future
    from grader.checks.submission import iterator as iterator
    from grader.checks.submission import task as task
    from grader.checks.timing import EARLY as EARLY
    from grader.checks.timing import ORDER_JITTER as ORDER_JITTER
    from grader.checks.timing import SLACK as SLACK
    from grader.checks.timing import SPREAD as SPREAD
    from grader.checks.timing import Durations as Durations
    from grader.checks.timing import Recorder as Recorder
    from grader.checks.timing import Span as Span
    from grader.checks.timing import expect_concurrent as expect_concurrent
    from grader.checks.timing import expect_concurrent_waits as expect_concurrent_waits
    from grader.checks.timing import expect_in_order as expect_in_order
    from grader.checks.timing import expect_on_time as expect_on_time
    from grader.checks.timing import expect_printed_on_time as expect_printed_on_time
    from grader.checks.timing import expect_waited as expect_waited
    from grader.checks.timing import expect_within as expect_within
    from grader.checks.timing import slack as slack
    from grader.sandbox import Call as Call
    from grader.sandbox import SubmissionFault as SubmissionFault
    from grader.sandbox import SubmissionRaised as SubmissionRaised
    from grader.sandbox import SubmissionTimeout as SubmissionTimeout

_EXPORTS = {
    "expect_async": "grader.checks.assertions",
    "expect_entries": "grader.checks.assertions",
    "expect_plain": "grader.checks.assertions",
    "TOGETHER": "grader.checks.assertions",
    "expect_type": "grader.checks.assertions",
    "expect_uses": "grader.checks.assertions",
    "printed_numbers": "grader.checks.assertions",
    "expect_cut_off": "grader.checks.cutoffs",
    "CheckFailed": "grader.checks.failures",
    "TimingError": "grader.checks.failures",
    "Hit": "grader.checks.httpserver",
    "HttpServer": "grader.checks.httpserver",
    "Route": "grader.checks.httpserver",
    "BUSY": "grader.checks.loop",
    "HELD": "grader.checks.loop",
    "STALL": "grader.checks.loop",
    "expect_no_other_loop": "grader.checks.loop",
    "expect_not_blocked": "grader.checks.loop",
    "expect_on_the_loop": "grader.checks.loop",
    "expect_responsive": "grader.checks.loop",
    "expect_slept": "grader.checks.loop",
    "expect_threads": "grader.checks.loop",
    "expect_through_the_loop": "grader.checks.loop",
    "loops_left_open": "grader.checks.loop",
    "loops_made": "grader.checks.loop",
    "returned_pending_at": "grader.checks.loop",
    "sibling": "grader.checks.modules",
    "Feed": "grader.checks.pools",
    "expect_at_most": "grader.checks.pools",
    "expect_slots_busy": "grader.checks.pools",
    "plan": "grader.checks.pools",
    "Scene": "grader.checks.scene",
    "Made": "grader.checks.submission",
    "Submission": "grader.checks.submission",
    "coroutine": "grader.checks.submission",
    "future": "grader.checks.submission",
    "iterator": "grader.checks.submission",
    "task": "grader.checks.submission",
    "EARLY": "grader.checks.timing",
    "ORDER_JITTER": "grader.checks.timing",
    "SLACK": "grader.checks.timing",
    "SPREAD": "grader.checks.timing",
    "Durations": "grader.checks.timing",
    "Recorder": "grader.checks.timing",
    "Span": "grader.checks.timing",
    "expect_concurrent": "grader.checks.timing",
    "expect_concurrent_waits": "grader.checks.timing",
    "expect_in_order": "grader.checks.timing",
    "expect_on_time": "grader.checks.timing",
    "expect_printed_on_time": "grader.checks.timing",
    "expect_waited": "grader.checks.timing",
    "expect_within": "grader.checks.timing",
    "slack": "grader.checks.timing",
    "Call": "grader.sandbox",
    "SubmissionFault": "grader.sandbox",
    "SubmissionRaised": "grader.sandbox",
    "SubmissionTimeout": "grader.sandbox",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value  # once found, a plain attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
