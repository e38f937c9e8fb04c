"""The submission as a check sees it: `await submission.count(30, pauses)`.

Every call runs in a sandboxed child; the callables a check passes in run here,
on the trusted side, when the submission calls them. A check gets a fresh
child, and so does the next call after a child misbehaved. Children are forks
of one prepared interpreter per grading (`grader.sandbox.forkserver`), so a
fresh one costs a fork.
"""

from __future__ import annotations

import asyncio
import socket
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from grader.checks import timing
from grader.sandbox import isolation
from grader.sandbox.awaitables import Made, coroutine, future, iterator, task
from grader.sandbox.faults import SubmissionRaised
from grader.sandbox.forkserver import ForkServer, shared
from grader.sandbox.handle import Sandbox
from grader.sandbox.limits import Limits
from grader.sandbox.records import Call
from grader.sandbox.source import Source

#: The submission of the check now running (set by the grader's pytest plugin).
current: ContextVar[Submission | None] = ContextVar("current_submission", default=None)


class Function:
    """One of the submission's functions; calling it runs it in the child."""

    def __init__(self, submission: Submission, name: str) -> None:
        self._submission = submission
        self._name = name

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return (await self._submission.call(self._name, args, kwargs)).value


class Spares:
    """Starts the next check's child while the current check runs.

    A child costs a fork and a few milliseconds of set-up; a grading of eight
    checks would pay them in series. The spare is made like the last child
    taken (with or without a listener) and serves only the event loop it was
    started on; `discard` ends one that is not needed.
    """

    def __init__(self, path: Path, limits: Limits, forkserver: ForkServer) -> None:
        self.path = path
        self.limits = limits
        self.forkserver = forkserver
        self.more = True  # whether another check will want a child
        self._spare: asyncio.Task[Sandbox] | None = None
        self._listen = False
        self._loop: asyncio.AbstractEventLoop | None = None

    async def take(self, listen: bool) -> Sandbox:
        """A started child: the spare when it fits, else a new one; then the next spare."""
        loop = asyncio.get_running_loop()
        spare = self._spare if self._loop is loop and self._listen == listen else None
        if spare is None:
            self.discard()
        self._spare = None
        if self.more:
            self._spare, self._loop, self._listen = (
                loop.create_task(self._start(listen)),
                loop,
                listen,
            )
        if spare is not None:
            try:
                return await spare
            except Exception:
                pass  # it failed on its own (a hang at import, say): a fresh one says how
        return await self._start(listen)

    async def _start(self, listen: bool) -> Sandbox:
        sandbox = Sandbox(self.path, self.limits, self.forkserver, listen=listen)
        await sandbox.start()
        return sandbox

    def discard(self) -> None:
        """End an unused spare; works when its loop is gone too."""
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
        self,
        path: Path,
        limits: Limits | None = None,
        forkserver: ForkServer | None = None,
        *,
        packages: tuple[str, ...] = (),
        spares: Spares | None = None,
    ) -> None:
        self.path = path
        self.limits = limits or Limits()
        self.spares = spares
        self.calls: list[Call] = []
        self.seen: list[Call] = []  # every call, those that raised too: the check's timeline
        self.forkserver = forkserver or shared(isolation.best(), packages)
        self._sandbox: Sandbox | None = None
        self._listen = False
        self._source: Source | None = None

    def __getattr__(self, name: str) -> Function:
        if name.startswith("_"):
            raise AttributeError(name)
        return Function(self, name)

    @property
    def source(self) -> Source:
        """What the submission's file says, read by the grader (its functions, names it uses)."""
        if self._source is None:
            self._source = Source.parse(self.path.read_bytes())
        return self._source

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
        try:
            record = await sandbox.call(
                name, args, kwargs or {}, deadline or self.limits.call_timeout, in_loop
            )
        except SubmissionRaised as raised:
            if raised.call is not None:
                self.seen.append(raised.call)
            raise
        self.calls.append(record)
        self.seen.append(record)
        timing.ended.set(record)
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

    async def listener(self) -> socket.socket:
        """A TCP socket listening on 127.0.0.1 that this submission's child can reach.

        Serve a check's test server on it (`grader.checks.httpserver`). Under the
        namespaces backend it lives in the child's own network namespace, so
        nothing else can reach it; ask for it before the first call.
        """
        if self._sandbox is not None and not self._listen:
            raise RuntimeError("ask for the listener before the submission's first call")
        self._listen = True
        sandbox = await self._ready()
        assert sandbox.listener is not None
        return sandbox.listener

    async def close(self, *, wait: bool = True) -> None:
        """End the child; without `wait`, return once its end is asked for (see Sandbox.close)."""
        if self._sandbox is not None:
            await self._sandbox.close(wait=wait)
            self._sandbox = None

    async def _ready(self) -> Sandbox:
        if self._sandbox is not None and self._sandbox.fault is not None:
            await self._sandbox.close()  # a child that misbehaved serves nothing more
            self._sandbox = None
        if self._sandbox is None:
            if self.spares is not None:
                self._sandbox = await self.spares.take(self._listen)
                self.spares = None  # later children of this check start fresh
            else:
                sandbox = Sandbox(self.path, self.limits, self.forkserver, listen=self._listen)
                await sandbox.start()
                self._sandbox = sandbox
        return self._sandbox


__all__ = ["Function", "Made", "Spares", "Submission", "coroutine", "future", "iterator", "task"]
