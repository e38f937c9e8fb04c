"""futures: helpers the public and the hidden checks share."""

from __future__ import annotations

from typing import Any

from grader.checks import (
    Call,
    CheckFailed,
    Made,
    Recorder,
    Scene,
    Submission,
    TimingError,
    coroutine,
    future,
    task,
)

VALUES: list[Any] = ["your burger", 42, 3.5, [1, 2, 3], {"order": 17, "items": ["fries", "cola"]}]
KINDS = {"coroutine": coroutine, "task": task, "future": future}


async def deliver(submission: Submission, value: Any, delay: float) -> Call:
    """deliver_later(value, delay), called inside a running loop; its future is awaited."""
    call = await submission.call_in_loop("deliver_later", (value, delay))
    what = f"deliver_later({value!r}, {delay})"
    returned = call.returned
    assert returned.get("future"), (
        f"{what} returned a {returned.get('type', 'value')}, but it should return an "
        "asyncio.Future: make one with asyncio.get_running_loop().create_future()"
    )
    assert call.value == value, (
        f"the future {what} returned got the result {call.value!r}, but it should get {value!r}"
    )
    return call


def result_of(key: str) -> str:
    """What each awaitable handed to first_done returns."""
    return f"answer from {key}"


def race(scene: Scene, winner: str | None = None) -> tuple[list[Made], dict[str, float], str]:
    """Awaitables of every kind for first_done; the slowest comes first, the winner later.

    The winner is far quicker than the rest (about 0.15 s ahead), so the losers
    are still waiting when it is done, even on a busy machine. There is always
    a coroutine, a task and a future among the losers.
    """
    winner_kind = winner or scene.durations.choose(list(KINDS), 1)[0]
    losers = sorted(scene.durations.distinct(3, 0.22, 0.4, gap=0.05), reverse=True)
    fastest = scene.durations.between(0.04, 0.07)
    loser_kinds = scene.durations.choose(list(KINDS), 3)
    where = scene.durations.rng.randint(1, 3)  # never first in the list
    entries = list(zip(loser_kinds, losers, strict=True))
    entries.insert(where, (winner_kind, fastest))
    names = [f"mirror {i}" for i in scene.durations.choose(range(1, 100), len(entries))]
    delays = {name: wait for name, (_, wait) in zip(names, entries, strict=True)}
    fetch = scene.recorder.sleeper(delays, result_of)
    aws = [KINDS[kind](fetch, name) for name, (kind, _) in zip(names, entries, strict=True)]
    return aws, delays, names[where]


def describe(aws: list[Made], delays: dict[str, float]) -> str:
    """The awaitables of a race, as a student can read them."""
    kinds = {"coro": "coroutine", "task": "task", "future": "future"}
    parts = [f"{kinds[aw.kind]} done after {delays[aw.args[0]]} s" for aw in aws]
    return "[" + ", ".join(parts) + "]"


def expect_first(
    returned: object, winner: str, delays: dict[str, float], recorder: Recorder, message: str
) -> None:
    """first_done returned the winner's result; or, on a busy machine, one that ended too.

    The grader's own timers end the awaitables, the winner at least 0.15 s
    before any other (`race`). When load made the winner end after the one
    returned, or kept the loop from looking until both had ended (then a
    correct first_done may take either: both are done), the submission may
    have done what was asked: the miss is load's to explain (`TimingError`,
    by how far apart the two ended), and fails at once on a quiet machine.
    Returning a result whose awaitable had not ended is never load's doing.
    """
    if returned == result_of(winner):
        return
    ended = {span.key: span.ended for span in recorder.spans if span.ended is not None}
    got = next((name for name in delays if returned == result_of(name)), None)
    if got is None or got not in ended:
        raise CheckFailed(message)
    apart = abs(ended.get(winner, max(ended.values())) - ended[got])
    raise TimingError(message, bounds={"measured": apart, "at_most": 0.0})


def expect_others_cancelled(recorder: Recorder, winner: str, call: str) -> None:
    """No awaitable but the winner ran to its end: first_done cancelled them when it was done.

    The losers end at least 0.15 s after the winner (`race`); one that ran to
    its end was not cancelled in that time. A machine too busy to let the
    submission run that long may be why: the miss is load's to explain
    (`TimingError`, by how long after the winner the last one ended).
    """
    ended = {s.key: s.ended for s in recorder.spans if s.ended is not None and not s.cancelled}
    finished = [key for key in ended if key != winner]
    if not finished:
        return
    message = (
        f"{call} let {len(finished)} of the others run to their end; cancel them as soon as "
        "the first one is done"
    )
    won = ended.get(winner)
    if won is None:
        raise CheckFailed(message)
    late = max(ended[key] for key in finished) - won
    raise TimingError(
        message,
        expected="every other awaitable cancelled once the first is done",
        measured=f"{len(finished)} ran to their end, the last {late:.2f} s after the first",
        bounds={"measured": late, "at_most": 0.0},
    )


def which(returned: object, delays: dict[str, float]) -> str:
    """What a wrong answer of first_done was, for its message."""
    for name, wait in delays.items():
        if returned == result_of(name):
            return f"{returned!r}, the result of the one done after {wait} s"
    return repr(returned)


async def first_done(
    scene: Scene, winner: str | None = None, detail: str = ""
) -> tuple[str, dict[str, float], str]:
    """first_done on a `race`, which must return the winner's result (see `expect_first`).

    The call as a student reads it, the delays and the winner's name come
    back; `detail` says more of the winner in the failure's message, where
    `{after}` stands for the seconds it takes.
    """
    aws, delays, won = race(scene, winner)
    returned = await scene.submission.first_done(aws)
    call = f"first_done({describe(aws, delays)})"
    expect_first(
        returned, won, delays, scene.recorder,
        f"{call} should return {result_of(won)!r}{detail.format(after=delays[won])}, but returned "
        f"{which(returned, delays)}",
    )  # fmt: skip
    return call, delays, won
