"""The proxy: calls run in the child, injected callables run here, on the trusted side."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from grader.checks.submission import Submission, coroutine, future, iterator, task
from grader.checks.timing import Recorder
from grader.sandbox import Limits, SubmissionRaised
from grader.sandbox.codec import Opaque
from tests.support import DATA, happens

TOOLBOX = DATA / "proxied" / "toolbox.py"


@pytest.fixture
async def toolbox() -> AsyncIterator[Submission]:
    student = Submission(TOOLBOX, Limits(call_timeout=5))
    yield student
    await student.close()


async def test_values_cross_both_ways(toolbox: Submission) -> None:
    value = {8: 0.4, "k": (1, [2, None]), (1, 2): {3}}
    assert await toolbox.echo(value) == value


async def test_functions_are_listed_with_their_kind(toolbox: Submission) -> None:
    functions = await toolbox.functions()
    assert functions["echo"] == "sync" and functions["call_async"] == "async"


async def test_async_callables_run_on_the_trusted_side(toolbox: Submission) -> None:
    recorder = Recorder()
    fetch = recorder.sleeper({"a": 0.05, "b": 0.1}, result=lambda k: k.upper())
    assert await toolbox.call_all(fetch, ["a", "b"]) == ["A", "B"]
    assert recorder.keys == ["a", "b"]
    assert recorder.most_in_flight() == 2
    assert all(span.ended is not None for span in recorder.spans)


async def test_plain_callables_run_on_the_trusted_side(toolbox: Submission) -> None:
    seen: list[int] = []

    def doubled(x: int) -> int:
        seen.append(x)
        return x * 2

    assert await toolbox.call_plain(doubled, 21) == 42
    assert seen == [21]


async def test_exceptions_of_injected_callables_keep_their_type(toolbox: Submission) -> None:
    async def fails(key: str) -> None:
        raise KeyError(key)

    class FetchFailed(Exception):
        pass

    async def fails_oddly(key: str) -> None:
        raise FetchFailed(f"no {key}")

    assert await toolbox.catch(fails, "x") == ["KeyError", "'x'"]
    assert await toolbox.catch(fails_oddly, "y") == ["FetchFailed", "no y"]


async def test_cancelling_in_the_child_cancels_the_trusted_call(toolbox: Submission) -> None:
    recorder = Recorder()
    slow = recorder.sleeper({"k": 5.0})
    assert await toolbox.cancel_after(slow, "k", 0.1) == "cancelled"
    await happens(lambda: not recorder.running(), within=60)
    assert recorder.spans[0].cancelled


async def test_coroutines_tasks_and_futures_are_made_in_the_child(toolbox: Submission) -> None:
    recorder = Recorder()
    wait = recorder.sleeper({1: 0.01, 2: 0.02, 3: 0.03})
    made = [coroutine(wait, 1), task(wait, 2), future(wait, 3)]
    assert await toolbox.kinds(made) == ["coroutine", "Task", "Future"]
    again = [coroutine(wait, 1), task(wait, 2), future(wait, 3)]
    assert await toolbox.await_each(again) == [1, 2, 3]


async def test_async_iterators_end_when_the_trusted_side_says(toolbox: Submission) -> None:
    items = [1, 2, 3]

    async def next_item() -> int:
        if not items:
            raise StopAsyncIteration
        return items.pop(0)

    assert await toolbox.collect(iterator(next_item)) == [1, 2, 3]


async def test_output_lines_are_timestamped_on_arrival(toolbox: Submission) -> None:
    await toolbox.talk(["one", "two", "three"], 0.1)
    times = toolbox.last.line_times()
    assert [text for _, text in times] == ["one", "two", "three"]
    # Lower bounds, which load cannot break: line i is printed after i gaps of the child's,
    # which began after the call was sent. (A gap between two arrivals has none: a late
    # second line shortens the next gap.)
    for i, (at, _) in enumerate(times):
        assert at >= i * 0.1 - 0.001, times
    assert times[0][0] < times[2][0], "stamped when they arrived, not all at the call's end"


async def test_a_blocked_loop_is_seen(toolbox: Submission) -> None:
    await toolbox.block(0.3)
    assert toolbox.last.stall is not None and toolbox.last.stall >= 0.25


async def test_exceptions_of_the_submission_become_faults(toolbox: Submission) -> None:
    async def fails(key: str) -> None:
        raise ValueError("bad key")

    with pytest.raises(SubmissionRaised) as raised:
        await toolbox.call_async(fails, "k")
    assert raised.value.type_name == "ValueError" and raised.value.detail == "bad key"


async def test_an_unawaited_coroutine_comes_back_opaque(toolbox: Submission) -> None:
    value = await toolbox.not_awaited()
    assert isinstance(value, Opaque) and value.type == "coroutine"


async def test_plain_functions_can_run_inside_a_loop(toolbox: Submission) -> None:
    call = await toolbox.call_in_loop("make_future", ("v", 0.2))
    assert call.value == "v"
    assert call.returned["future"] and call.returned["pending"]
    assert call.returned_at is not None and call.elapsed >= 0.195


async def test_loops_the_submission_makes_are_reported(toolbox: Submission) -> None:
    await toolbox.own_loop(True)
    assert toolbox.last.loops == [{"closed": True, "running": False}]
    await toolbox.own_loop(False)
    assert toolbox.last.loops == [{"closed": False, "running": False}]

    async def nothing() -> int:
        return 1

    assert await toolbox.runs(nothing) == 1
    assert toolbox.last.runners == 1
