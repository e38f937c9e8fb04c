"""The check's callables, as a child calls them: run here, answered over the pipe.

A check passes the submission callables (a fetch, a write, a recorder).
They never cross: each gets a number the child calls it by
(`grader.sandbox.codec.Ref`), and runs in the grader's process when the
child asks. Async ones run on the grader's loop; plain ones in threads, so
a slow one neither stalls the trusted loop nor queues behind another. The
time the grader takes to answer a plain one is not the submission's
(`Handled`); the callable's own time is.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from grader.clock import now
from grader.sandbox.awaitables import Made
from grader.sandbox.codec import Ref, decode, encode
from grader.sandbox.observation.records import Handled
from grader.sandbox.wire import Op

#: The most of an argument a callable's error quotes back to the child.
MAX_QUOTED = 1000


class Callbacks:
    """The check's callables one child may call, and the calls of them in flight."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self._send = send
        self._callables: dict[int, Callable[..., Any]] = {}
        self._numbers: dict[int, int] = {}  # id() of a callable -> its number
        self._tasks: dict[int, asyncio.Task[None]] = {}  # request id -> the call serving it
        self.open_async: set[int] = set()  # async callables the child awaits right now
        self.handled: list[Handled] = []  # plain callables the current call waited on
        self._pool: ThreadPoolExecutor | None = None

    def register(self, value: Any) -> Ref | None:
        """Give a check's callable a number the child can call it by."""
        if isinstance(value, Made):
            return Ref(self._number(value.fn), value.kind, tuple(value.args))
        if not callable(value):
            return None
        return Ref(self._number(value), "async" if is_async(value) else "sync")

    def _number(self, fn: Callable[..., Any]) -> int:
        key = id(fn)
        if key not in self._numbers:
            self._numbers[key] = len(self._callables) + 1
            self._callables[self._numbers[key]] = fn
        return self._numbers[key]

    def on_callback(self, message: dict[str, Any], request_end: int) -> None:
        """The child calls a callable; `request_end`: where its request ended in its bytes."""
        call_id = int(message["id"])
        fn = self._callables.get(int(message["fn"]))
        if fn is None:
            raise KeyError("no such callable")
        args = decode(message.get("args", []))
        kwargs = decode(message.get("kwargs", {}))
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise TypeError("bad arguments")
        handled = None
        if is_async(fn):
            self.open_async.add(call_id)
        else:  # the child's thread waits for the answer: the grader's part of that is timed
            handled = Handled(request_end, call_id, getattr(fn, "__name__", "a callable"))
            thread = message.get("thread")
            handled.thread = thread[:20] if isinstance(thread, str) else ""
            self.handled.append(handled)
        self._tasks[call_id] = asyncio.get_running_loop().create_task(
            self._serve(call_id, fn, args, kwargs, handled)
        )

    def on_cancel(self, call_id: int) -> None:
        """The child cancelled its await of a callable: stop it, and answer CancelledError.

        An honest child no longer waits for that answer. A cancel the
        submission sent of its own, while a task still awaits the callable,
        gets that task cancelled as a real cancel would have done.
        """
        self.open_async.discard(call_id)
        for handled in self.handled:  # a plain callable cancelled: no longer the grader's time
            if handled.call_id == call_id:
                handled.close(now())
        task = self._tasks.pop(call_id, None)
        if task is not None:
            task.cancel()
            error = {"type": "CancelledError", "message": "", "args": []}
            self._send({"op": Op.REPLY, "id": call_id, "error": error})

    async def _serve(
        self,
        call_id: int,
        fn: Callable[..., Any],
        args: list[Any],
        kwargs: dict[str, Any],
        handled: Handled | None = None,
    ) -> None:
        try:
            if handled is None:
                value = await fn(*args, **kwargs)
            else:
                # Plain callables may block (a slow `write`); threads keep them
                # from stalling the trusted loop and from queueing behind each other.
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="callback")
                loop = asyncio.get_running_loop()
                value = await loop.run_in_executor(self._pool, _timed(fn, args, kwargs, handled))
        except asyncio.CancelledError:
            if handled is not None:
                handled.close(now())  # no answer comes: the wait is no longer the grader's
            return
        except Exception as exc:
            reply = {"op": Op.REPLY, "id": call_id, "error": _error(exc)}
        else:
            reply = {"op": Op.REPLY, "id": call_id, "value": encode(value)}
        finally:
            self._tasks.pop(call_id, None)
            self.open_async.discard(call_id)
        self._send(reply)
        if handled is not None:
            handled.replied = now()

    def cancel(self) -> None:
        """Stop every call of a callable in flight (the child is being closed)."""
        for task in list(self._tasks.values()):
            task.cancel()

    def shutdown(self) -> None:
        """Let the threads of plain callables go."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def is_async(fn: Callable[..., Any]) -> bool:
    """Whether calling `fn` gives a coroutine (an async function or callable object)."""
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004
    )


def _error(exc: Exception) -> dict[str, Any]:
    """A callable's error, as the child rebuilds it."""
    # Clipped: an error quoting a 4 MB argument, sent back once per call, would
    # otherwise pile up in the pipe of a child that stopped reading.
    error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)[:MAX_QUOTED]}
    if all(
        a is None or isinstance(a, int | float) or (isinstance(a, str) and len(a) <= MAX_QUOTED)
        for a in exc.args
    ):
        error["args"] = list(exc.args)  # rebuilt as they were: KeyError('x'), OSError(28, ..)
    return error


def _timed(
    fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], handled: Handled
) -> Callable[[], Any]:
    """`fn(*args, **kwargs)`, noting on `handled` when it began and finished (on its thread)."""

    def run() -> Any:
        handled.began = now()
        try:
            return fn(*args, **kwargs)
        finally:
            handled.finished = now()

    return run
