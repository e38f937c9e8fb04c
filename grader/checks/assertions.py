"""Correctness helpers for checks: each raises an AssertionError a student can act on.

Timing verdicts live in `grader.timing`; these are the other half every check
needs first, so that a check of speed never passes code that did not do the work.
"""

from __future__ import annotations

from typing import Any

from grader.checks.submission import Submission
from grader.sandbox import Call
from grader.sandbox.codec import Opaque


async def expect_async(submission: Submission, name: str) -> None:
    """`name` is defined with `async def`."""
    kind = (await submission.functions()).get(name)
    if kind is None:
        raise AssertionError(f"your file does not define {name}()")
    if kind != "async":
        raise AssertionError(f"{name} must be a coroutine function: define it with `async def`")


async def expect_plain(submission: Submission, name: str) -> None:
    """`name` is a plain function, not a coroutine function."""
    kind = (await submission.functions()).get(name)
    if kind is None:
        raise AssertionError(f"your file does not define {name}()")
    if kind != "sync":
        raise AssertionError(f"{name} must be a plain function (`def`, not `async def`)")


def expect_type(value: Any, kind: type | tuple[type, ...], *, what: str) -> None:
    """`value` is of the type the contract promises."""
    if isinstance(value, Opaque) and value.type == "coroutine":
        raise AssertionError(f"{what} is a coroutine object: did you forget an `await`?")
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
        names = " or ".join(t.__name__ for t in _types(kind))
        raise AssertionError(f"{what} should be a {names}, but it is {value!r}")


def printed_numbers(call: Call) -> list[int]:
    """The integers a call printed, one per line, in the order they arrived."""
    numbers = []
    for text in call.output:
        if not text.strip():
            continue
        try:
            numbers.append(int(text.strip()))
        except ValueError:
            raise AssertionError(
                f"every line printed should be one number, but one line was {text!r}"
            ) from None
    return numbers


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
