"""futures: each right submission gets full marks, each wrong one loses exactly its checks."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

import pytest

from grader.checks import CheckFailed, Recorder, Span, TimingError
from tests.support import EXERCISES, verdict_tests

EXERCISE = "futures"

PENDING = "deliver_later returns a pending asyncio.Future at once"
AFTER_DELAY = "the future's result becomes the value after about `delay` seconds"
FIRST = "first_done returns the result of whichever awaitable finishes first"
CANCELS = "first_done cancels all the others before it returns"
ON_LOOP = "deliver_later never blocks the loop; first_done runs on it: no threads, never blocked"
FASTEST = "first_done takes about as long as the fastest awaitable"
ANY_KIND = "first_done works whether a coroutine, a task or a future finishes first"

WRONG = {
    # async def deliver_later: calling it gives a coroutine, not a future
    "bad_async_deliver_later.py": {PENDING, AFTER_DELAY},
    # time.sleep(delay), then a future that is already done
    "bad_blocking_sleep.py": {PENDING, ON_LOOP},
    # cancels only the awaitables that are futures, and does not await them
    "bad_cancels_originals.py": {CANCELS},
    # cancels the losers, but returns before the cancellations are done
    "bad_cancels_without_awaiting.py": {CANCELS},
    # the result is there at once, not after the delay
    "bad_delivers_now.py": {PENDING, AFTER_DELAY, ON_LOOP},
    # awaits the first in the list (the slowest), not the first to finish
    "bad_first_in_list.py": {FIRST, CANCELS, FASTEST, ANY_KIND},
    # returns the right result, but the losers keep running
    "bad_no_cancel.py": {CANCELS},
    # returns the winning task itself, not its result
    "bad_returns_the_task.py": {FIRST, CANCELS, FASTEST, ANY_KIND},
    # asyncio.wait without return_when: waits for all, answers with the first in the list
    "bad_waits_for_all.py": {FIRST, CANCELS, FASTEST, ANY_KIND},
    # The red team's (2026-12-06): a thread fills the future. Each is named where it started:
    # by deliver_later (not first_done, not the import), or at import.
    "bad_threading_timer.py": {ON_LOOP},
    "bad_import_time_timer_thread.py": {ON_LOOP},
}

SAYS = {
    "bad_threading_timer.py": ") started 1 thread; return the future at once",
    "bad_import_time_timer_thread.py": "ran with 1 thread of your program's "
    "(1 while your file was imported)",
}


(
    test_right_submissions_get_full_marks,
    test_every_wrong_submission_is_listed,
    test_wrong_submissions_lose_their_checks,
) = verdict_tests(EXERCISE, WRONG, SAYS)


def _common() -> ModuleType:
    """The futures checks' helpers, imported as pytest imports them: a package of its own."""
    folder = EXERCISES / EXERCISE / "checks"
    spec = importlib.util.spec_from_file_location(
        "futures_checks", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules["futures_checks"] = package
    spec.loader.exec_module(package)
    return importlib.import_module("futures_checks.common")


def test_a_loser_returned_is_loads_to_explain_only_if_it_had_ended() -> None:
    """Both ended when the loop looked: load's to judge; one still running: the submission's."""
    common = _common()
    delays = {"mirror 1": 0.05, "mirror 2": 0.3}
    recorder = Recorder()
    recorder.spans = [Span("mirror 1", 0.0, 0.05), Span("mirror 2", 0.0, 0.3)]
    loser = common.result_of("mirror 2")
    with pytest.raises(TimingError) as judged:
        common.expect_first(loser, "mirror 1", delays, recorder, "returned the loser")
    assert judged.value.bounds == {"measured": pytest.approx(0.25), "at_most": 0.0}
    recorder.spans[1] = Span("mirror 2", 0.0, None)  # returned before it had ended
    with pytest.raises(CheckFailed) as failed:
        common.expect_first(loser, "mirror 1", delays, recorder, "returned the loser")
    assert not isinstance(failed.value, TimingError)
