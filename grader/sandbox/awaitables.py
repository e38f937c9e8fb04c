"""Awaitables a check asks the child to make from trusted callables.

Contracts like `first_done(aws)` and `run_in_new_loop(coros)` take coroutine
objects, tasks or futures; those must live in the child, but the work behind
them must run on the trusted side, so that its timing is the grader's own.
A `Made` crosses as a reference; the child builds the awaitable around a
stand-in that calls back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Made:
    """An awaitable to be made on the submission's side from a trusted callable."""

    kind: str  # "coro", "task", "future" or "aiter"
    fn: Callable[..., Awaitable[Any]]
    args: tuple[Any, ...] = field(default=())


def coroutine(fn: Callable[..., Awaitable[Any]], *args: Any) -> Made:
    """In the child: the coroutine object `fn(*args)`."""
    return Made("coro", fn, args)


def task(fn: Callable[..., Awaitable[Any]], *args: Any) -> Made:
    """In the child: an asyncio.Task running `fn(*args)` on the submission's loop."""
    return Made("task", fn, args)


def future(fn: Callable[..., Awaitable[Any]], *args: Any) -> Made:
    """In the child: a plain asyncio.Future that gets the result of `fn(*args)`."""
    return Made("future", fn, args)


def iterator(fn: Callable[[], Awaitable[Any]]) -> Made:
    """In the child: an async iterator; each item is `await fn()`, and `fn`
    ends it by raising StopAsyncIteration."""
    return Made("aiter", fn, ())
