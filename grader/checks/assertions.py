"""Correctness helpers for checks: each raises a `CheckFailed` a student can act on.

Timing verdicts live in `grader.checks.timing`; these are the other half every
check needs first, so that a check of speed never passes code that did not do
the work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from grader.checks.failures import CheckFailed, TimingError
from grader.checks.submission import Submission
from grader.sandbox import Call
from grader.sandbox.codec import Opaque

__all__ = [
    "TOGETHER",
    "expect_async",
    "expect_entries",
    "expect_plain",
    "expect_type",
    "expect_uses",
    "printed_numbers",
]

K = TypeVar("K")


#: How a function must be defined, by kind: what it must be, the keyword it is
#: defined with, what it is instead, and the hint.
_DEFINED = {
    "async": (
        "a coroutine function: define it with `async def`",
        "`async def`",
        "a plain function",
        "define it with `async def`",
    ),
    "sync": (
        "a plain function (`def`, not `async def`)",
        "`def`",
        "a coroutine function",
        "`def`, not `async def`",
    ),
}


async def _expect_kind(submission: Submission, name: str, kind: str) -> None:
    """The file defines `name`, as a coroutine function ("async") or a plain one ("sync")."""
    found = (await submission.functions()).get(name)
    if found is None:
        raise CheckFailed(
            f"your file does not define {name}()",
            expected=f"a function {name}()",
            measured=f"no {name}() in the file",
        )
    if found != kind:
        must, keyword, instead, hint = _DEFINED[kind]
        raise CheckFailed(
            f"{name} must be {must}",
            expected=f"{name} defined with {keyword}",
            measured=f"{name} is {instead}",
            hint=hint,
        )


async def expect_async(submission: Submission, name: str) -> None:
    """`name` is defined with `async def`."""
    await _expect_kind(submission, name, "async")


async def expect_plain(submission: Submission, name: str) -> None:
    """`name` is a plain function, not a coroutine function."""
    await _expect_kind(submission, name, "sync")


def expect_type(value: Any, kind: type | tuple[type, ...], *, what: str) -> None:
    """`value` is of the type the contract promises."""
    names = " or ".join(t.__name__ for t in _types(kind))
    if isinstance(value, Opaque) and value.type == "coroutine":
        raise CheckFailed(
            f"{what} is a coroutine object: did you forget an `await`?",
            expected=f"{what} is a {names}",
            measured=f"{what} is a coroutine object",
            hint="did you forget an `await`?",
        )
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
        raise CheckFailed(
            f"{what} should be a {names}, but it is {value!r}",
            expected=f"{what} is a {names}",
            measured=f"it is {value!r}",
        )


def expect_entries(
    returned: object,
    expected: Mapping[K, Any],
    *,
    what: str,
    mismatch: Callable[[K, Any], str],
    matches: Callable[[K, Any], bool] | None = None,
    key_text: Callable[[K], str] = repr,
    load: Callable[[K, Any], bool] | None = None,
) -> None:
    """`returned` is a dict with exactly the keys of `expected`, each mapped to its value.

    The contracts that return `{key: result}` (downloads, http, timeouts)
    share this. A missing key and an extra key get the same sentences
    everywhere; `mismatch(key, got)` says what is wrong with a value that is
    not `expected[key]` (or that `matches(key, got)` rejects). A mismatch
    that `load(key, got)` says a busy machine can cause (a fast result given
    up on because it came late) raises `TimingError`, so it is retried.
    """
    expect_type(returned, dict, what=f"the value {what} returned")
    assert isinstance(returned, dict)
    for key, want in expected.items():
        if key not in returned:
            raise CheckFailed(
                f"the dict {what} returned has no entry for {key_text(key)}",
                expected=f"an entry for {key_text(key)}: {want!r}",
                measured=f"no entry for {key_text(key)}",
            )
        got = returned[key]
        if not (matches(key, got) if matches is not None else got == want):
            kind = TimingError if load is not None and load(key, got) else CheckFailed
            raise kind(
                mismatch(key, got),
                expected=f"{key_text(key)} maps to {want!r}",
                measured=f"{key_text(key)} maps to {got!r}",
            )
    extra = [key for key in returned if key not in expected]
    if extra:
        raise CheckFailed(
            f"the dict {what} returned has extra keys: {extra}",
            expected=f"the keys {list(expected)}",
            measured=f"extra keys {extra}",
        )


#: asyncio's ways to run coroutines (or timers) together on one loop.
TOGETHER = (
    "gather", "create_task", "ensure_future", "Task", "TaskGroup", "wait", "as_completed",
    "call_soon", "call_later", "call_at",
)  # fmt: skip


def expect_uses(
    submission: Submission, names: tuple[str, ...], *, what: str, why: str, hint: str
) -> None:
    """The file (outside `__main__`) uses one of `names`, the API the contract asks for.

    For what looks the same from outside: a loop waiting for several deadlines
    one after another, in an order worked out in advance, makes the same
    system calls at the same moments as tasks waiting together, and a client
    of one's own on asyncio streams as aiohttp. The grader reads the file
    itself; `why` says what the file does instead, `hint` what to use.
    """
    if submission.source.uses(*names):
        return
    listed = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    raise CheckFailed(
        f"{what}: your file uses none of {listed}; {why}; {hint}",
        expected=f"{what} uses one of {listed}",
        measured=f"the file names none of {listed}",
        hint=hint,
    )


def printed_numbers(call: Call) -> list[int]:
    """The integers a call printed, one per line, in the order they arrived."""
    numbers = []
    for text in call.output:
        if not text.strip():
            continue
        try:
            numbers.append(int(text.strip()))
        except ValueError:
            raise CheckFailed(
                f"every line printed should be one number, but one line was {text!r}",
                expected="one number per line",
                measured=f"the line {text!r}",
            ) from None
    return numbers


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
