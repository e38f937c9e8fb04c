"""The submission as a check sees it: `await submission.count(30, pauses)`.

Every call runs in a sandboxed child; the callables a check passes in run here,
on the trusted side, when the submission calls them. A check gets a fresh
child, and so does the next call after a child misbehaved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import Call, Limits, Sandbox


@dataclass(frozen=True)
class Made:
    """An awaitable to be made on the submission's side from a trusted callable.

    Contracts like `first_done(aws)` and `run_in_new_loop(coros)` take
    coroutine objects, tasks or futures; those must live in the child, but the
    work behind them must run here, so that its timing is the grader's own.
    """

    kind: str
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


class Function:
    """One of the submission's functions; calling it runs it in the child."""

    def __init__(self, submission: Submission, name: str) -> None:
        self._submission = submission
        self._name = name

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return (await self._submission.call(self._name, args, kwargs)).value


class Spares:
    """Starts the next check's sandbox while the current check runs.

    Starting a child costs a new interpreter (about 0.15 s here); a grading
    run of several checks would otherwise pay it once per check, in series.
    A spare only serves on the event loop it was started on.
    """

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.more = True  # whether another check will want a sandbox
        self._spare: asyncio.Task[Sandbox] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def take(self) -> Sandbox:
        """A started sandbox: the spare when there is one, else a new one."""
        loop = asyncio.get_running_loop()
        spare = self._spare if self._loop is loop else None
        if spare is None:
            self.discard()
        self._spare = None
        if self.more:
            self._spare, self._loop = loop.create_task(self._start()), loop
        return await (spare if spare is not None else self._start())

    async def _start(self) -> Sandbox:
        sandbox = Sandbox(self.path, self.limits)
        await sandbox.start()
        return sandbox

    def discard(self) -> None:
        """Kill an unused spare; works when its loop is gone too."""
        spare, self._spare = self._spare, None
        if spare is None:
            return
        if spare.done() and not spare.cancelled() and spare.exception() is None:
            spare.result().kill_now()
        elif not spare.done():
            spare.cancel()  # Sandbox.start cleans up after itself when cancelled


class Submission:
    """The student's module; each public name is a function that runs in the sandbox."""

    def __init__(
        self, path: Path, limits: Limits | None = None, spares: Spares | None = None
    ) -> None:
        self.path = path
        self.limits = limits or Limits()
        self.calls: list[Call] = []
        self._sandbox: Sandbox | None = None
        self._spares = spares

    def __getattr__(self, name: str) -> Function:
        if name.startswith("_"):
            raise AttributeError(name)
        return Function(self, name)

    @property
    def last(self) -> Call:
        """What the trusted side saw of the most recent call."""
        return self.calls[-1]

    async def call(
        self,
        name: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        deadline: float | None = None,
        in_loop: bool = False,
    ) -> Call:
        """Run one function of the submission and return all that was seen of it.

        `in_loop` calls a plain function from inside a running event loop (as
        the catalog's `deliver_later` expects) and awaits what it returns.
        """
        sandbox = await self._ready()
        record = await sandbox.call(
            name, args, kwargs or {}, deadline or self.limits.call_timeout, in_loop
        )
        self.calls.append(record)
        return record

    async def call_in_loop(
        self,
        name: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        deadline: float | None = None,
    ) -> Call:
        """Call a plain function from inside a running loop and await what it returns.

        `Call.returned_at` is when the function itself returned, and
        `Call.returned` says what it returned (type, whether a pending future).
        """
        return await self.call(name, args, kwargs, deadline, in_loop=True)

    async def functions(self) -> dict[str, str]:
        """The submission's public functions, each "async" or "sync"."""
        return dict((await self._ready()).functions)

    async def close(self) -> None:
        if self._sandbox is not None:
            await self._sandbox.close()
            self._sandbox = None

    async def _ready(self) -> Sandbox:
        if self._sandbox is not None and self._sandbox.fault is not None:
            await self._sandbox.close()  # a child that misbehaved serves nothing more
            self._sandbox = None
        if self._sandbox is None:
            if self._spares is not None:
                self._sandbox = await self._spares.take()
                self._spares = None  # later children of this check start fresh
            else:
                sandbox = Sandbox(self.path, self.limits)
                await sandbox.start()
                self._sandbox = sandbox
        return self._sandbox
