"""Inside the child: the submission's lines behind the usual asyncio mistakes.

The call server installs this before the submission is imported. It notes,
always with the line of the submission that did it:

- coroutines created and never awaited (Python reports them when they are
  freed; coroutine origin tracking says where they were created);
- the line the event loop's thread is on when the grader, which watches it
  from outside, sees it held (it sends a signal: `server.NUDGE`);
- tasks still pending when the function returned, and task exceptions no one
  retrieved (a task factory on the call's loop notes where each task is made);
- aiohttp sessions and event loops left open.

Only the submission's own frames are named, never the grader's or the
standard library's. What is found goes out with the call's answer, as data
(`diagnostics` and `blocked`); it never decides a verdict, and the trusted
side words it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import linecache
import sys
import warnings
import weakref
from types import FrameType
from typing import Any

#: How many frames a new coroutine keeps of where it was made.
_ORIGIN_DEPTH = 6


class Diagnostics:
    """Collects the mistakes of one call, each at a line of the submission at `path`."""

    def __init__(self, path: str, *, enabled: bool = True) -> None:
        self.path = path
        self.enabled = enabled
        self.found: dict[tuple[str, int | None], dict[str, Any]] = {}
        self.blocked: collections.Counter[int] = collections.Counter()
        self.sites: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()

    # -- installed once ----------------------------------------------------

    def install(self) -> None:
        if not self.enabled:
            return
        sys.set_coroutine_origin_tracking_depth(_ORIGIN_DEPTH)
        original = getattr(warnings, "_warn_unawaited_coroutine", None)
        diagnostics = self

        def unawaited(coro: Any) -> None:
            diagnostics.never_awaited(coro)
            if original is not None:
                original(coro)

        warnings._warn_unawaited_coroutine = unawaited  # type: ignore[attr-defined]
        self._watch_sessions()

    def _watch_sessions(self) -> None:
        """Note where each aiohttp session is made (aiohttp itself does so only in debug mode)."""
        client = sys.modules.get("aiohttp.client")
        session = getattr(client, "ClientSession", None)
        if session is None:
            return
        made = session.__init__
        diagnostics = self

        def init(instance: Any, *args: Any, **kwargs: Any) -> None:
            made(instance, *args, **kwargs)
            line = diagnostics.line_of(sys._getframe(1))
            if line is not None:
                diagnostics.sites[instance] = line

        session.__init__ = init

    def on_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch a loop the grader runs a call on: where tasks are made, what no one retrieved."""
        if not self.enabled:
            return
        diagnostics = self

        def factory(
            owner: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any
        ) -> asyncio.Task[Any]:
            task = asyncio.Task(coro, loop=owner, **kwargs)
            line = diagnostics.line_of(sys._getframe(1))
            if line is not None:
                diagnostics.sites[task] = line
            return task

        loop.set_task_factory(factory)
        loop.set_exception_handler(self.exception_handler)

    def exception_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        future = context.get("future")
        session = context.get("client_session")
        if future is not None and "never retrieved" in str(context.get("message", "")):
            line = self.sites.get(future)
            error = context.get("exception")
            kind = type(error).__name__ if error is not None else "an exception"
            self.add("unretrieved-exception", line, detail=kind)
        elif session is not None:
            self.add("unclosed-resource", self.sites.get(session), detail="aiohttp.ClientSession")
        loop.default_exception_handler(context)  # what it wrote to stderr stays as it was

    # -- while a call runs --------------------------------------------------

    def never_awaited(self, coro: Any) -> None:
        origin = getattr(coro, "cr_origin", None) or ()
        for filename, lineno, _ in origin:  # innermost first
            if filename == self.path:
                self.add("never-awaited", lineno, detail=getattr(coro, "__qualname__", "?"))
                return

    def note_blocked(self, frame: FrameType | None) -> None:
        """The grader saw the loop's thread held: the submission's line it is on now."""
        if not self.enabled:
            return
        line = self.line_of(frame)
        if line is not None:
            self.blocked[line] += 1

    def pending(self, tasks: list[asyncio.Task[Any]]) -> None:
        if not self.enabled:
            return
        for task in tasks:
            line = self.sites.get(task)
            if line is not None:
                self.add("pending-task", line)

    def unclosed_loops(self, loops: list[asyncio.AbstractEventLoop]) -> None:
        for loop in loops:
            if not loop.is_closed():
                self.add("unclosed-resource", self.sites.get(loop), detail="event loop")

    def remember(self, made: Any) -> None:
        """Note where `made` (an event loop, say) was created by the submission."""
        if not self.enabled:
            return
        line = self.line_of(sys._getframe(1))
        if line is not None:
            with contextlib.suppress(TypeError):
                self.sites[made] = line

    # -- plumbing -----------------------------------------------------------

    def line_of(self, frame: FrameType | None) -> int | None:
        """The innermost line of the submission on `frame`'s stack."""
        while frame is not None:
            if frame.f_code.co_filename == self.path:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def add(self, kind: str, line: int | None, *, detail: str = "") -> None:
        if line is None:
            return  # not the submission's own doing (or nowhere to point at)
        key = (kind, line)
        if key not in self.found:
            code = linecache.getline(self.path, line).strip()
            self.found[key] = {"kind": kind, "line": line, "code": code, "detail": detail}

    def reset(self) -> None:
        self.found.clear()
        self.blocked.clear()

    def report(self) -> dict[str, Any]:
        """What this call showed, for its answer; then start afresh."""
        blocked = [
            {"line": line, "code": linecache.getline(self.path, line).strip(), "samples": n}
            for line, n in self.blocked.most_common(3)
        ]
        found = list(self.found.values())
        self.reset()
        return {"diagnostics": found, "blocked": blocked}
