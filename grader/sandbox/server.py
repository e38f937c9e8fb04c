"""The child's call server: it imports the submission, then runs the calls the grader sends.

This runs inside the sandbox, in the child's last process, after
`grader.sandbox.boot` has set its limits, dropped its privileges and
loaded its filters. Nothing the child says is trusted for a verdict on
time: the trusted side keeps its own clocks. What the child reports (return
values, exceptions, which event loops it saw) is plain JSON, through
`grader.sandbox.wire`.

Callables the grader passes in become stand-ins here that call back
(`Op.CALLBACK`), awaited on the submission's own loop; the grader's event loop
is pinged through the call's loop (`Op.PING`, `Op.PONG`).

The server has no thread of its own: every thread of the child is the
submission's, which the grader counts. The grader's messages are read by
whoever needs them: between calls the main thread, waiting for the next
call in a read of the pipe (how the grader knows the child is idle); during
a call the call's loop, which watches the pipe like any other file (the
grader checks it does, while the loop's thread waits in its poll); and a
thread that waits for the answer of one of the grader's plain callables:
the main thread reads the pipe itself meanwhile, another thread reads it
only if the loop does not hand the answer over within `HANDOVER` (its
thread is blocked). One thread reads at a time (`reading`).
"""

from __future__ import annotations

import asyncio
import builtins
import collections
import contextlib
import importlib.util
import inspect
import itertools
import os
import select
import signal
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from types import FrameType
from typing import Any

from grader.sandbox.codec import Ref, decode, encode, type_name
from grader.sandbox.diagnostics import Diagnostics
from grader.sandbox.watch import LoopWatch, caller
from grader.sandbox.wire import MAX_MESSAGE, Op, dumps, loads

#: The signal the grader sends the loop's thread when it sees it held: the child notes the line.
NUDGE = signal.SIGURG
#: How long a thread waiting for a plain callable's answer lets the loop hand it over.
HANDOVER = 0.05


class Server:
    """Imports the submission, then runs the calls the trusted side sends."""

    def __init__(self, out_fd: int, in_fd: int, path: str, *, diagnose: bool = True) -> None:
        self.out_fd = out_fd
        self.in_fd = in_fd
        self.pid = os.getpid()
        self.path = path
        self.write_lock = threading.Lock()
        self.reading = threading.Lock()  # held by the one thread reading the grader's pipe
        self.inbox = bytearray()
        self.calls: collections.deque[dict[str, Any]] = collections.deque()
        self.waiting: dict[int, Callable[[dict[str, Any]], None]] = {}
        self.ids = itertools.count(1)
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop a call runs on, for pings
        self.watching: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
        self.diagnostics = Diagnostics(path, enabled=diagnose)
        self.watch = LoopWatch(self.diagnostics)

    def send(self, message: dict[str, Any]) -> None:
        try:
            data = dumps(message)
        except (RecursionError, ValueError) as error:  # a value nested too deep, an int too long
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            data = dumps({"op": message["op"], "id": message.get("id"), "unsendable": reason})
        if len(data) > MAX_MESSAGE:
            data = dumps({"op": message["op"], "id": message.get("id"), "oversize": len(data)})
        with self.write_lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self.out_fd, view) :]

    def serve(self) -> None:
        # Said before any of the submission runs: what comes after may be its forgery.
        self.send({"op": Op.SERVING})
        self.diagnostics.install()
        signal.signal(NUDGE, self.nudged)
        # Restart what it interrupts: a call the grader is looking at (a new loop, a
        # thread) would otherwise fail with EINTR where it never fails unwatched.
        signal.siginterrupt(NUDGE, False)
        module = self.load()
        functions = {
            name: "async" if inspect.iscoroutinefunction(obj) else "sync"
            for name, obj in vars(module).items()
            if callable(obj) and not name.startswith("_") and not inspect.isclass(obj)
        }
        self.send({"op": Op.READY, "functions": functions})
        self.watch.install()
        while True:
            self.run(module, self.next_call())

    def nudged(self, signum: int, frame: FrameType | None) -> None:
        """The grader saw the loop's thread held: note the submission's line it is on."""
        self.diagnostics.note_blocked(frame)

    def load(self) -> Any:
        try:
            spec = importlib.util.spec_from_file_location("submission", self.path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules["submission"] = module
            spec.loader.exec_module(module)
        except BaseException as exc:  # anything at import time, SystemExit included
            self.send({"op": Op.IMPORT_FAILED, **self.describe(exc)})
            sys.stdout.flush()
            os._exit(0)
        return module

    # -- the grader's messages ----------------------------------------------------------

    def next_call(self) -> dict[str, Any]:
        """Wait, reading the grader's pipe, for the next call: here the child is idle."""
        while not self.calls:
            with self.reading:
                if not self.calls:
                    self.receive()
        return self.calls.popleft()

    def receive(self, *, wait: bool = True) -> None:
        """Read what the grader sent (waiting for it, or only what is there) and handle it."""
        if not wait and not select.select([self.in_fd], [], [], 0)[0]:
            return
        data = os.read(self.in_fd, 1 << 16)
        if not data:
            os._exit(0)  # the trusted side has gone: nothing left to serve
        self.inbox += data
        while (end := self.inbox.find(b"\n")) >= 0:
            line = bytes(self.inbox[:end])
            del self.inbox[: end + 1]
            self.handle(loads(line))

    def handle(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == Op.CALL:
            self.calls.append(message)
        elif op == Op.REPLY:
            settle = self.waiting.pop(int(message["id"]), None)
            if settle is not None:
                settle(message)
        elif op == Op.PING and self.loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed in between
                self.loop.call_soon_threadsafe(self.pong, int(message["seq"]))

    def pong(self, seq: int) -> None:
        """On the call's loop: it answers, so it is running."""
        self.send({"op": Op.PONG, "seq": seq})

    def watch_pipe(self, loop: asyncio.AbstractEventLoop) -> None:
        """Let `loop` read the grader's pipe whenever it has something (once per loop)."""
        if loop not in self.watching and not loop.is_closed():
            loop.add_reader(self.in_fd, self.readable, loop)
            self.watching.add(loop)

    def readable(self, loop: asyncio.AbstractEventLoop) -> None:
        """On `loop`: the pipe has something; read it, unless another thread is at it already."""
        if self.reading.acquire(blocking=False):
            try:
                self.receive(wait=False)
            finally:
                self.reading.release()

    def await_reply(self, done: threading.Event) -> None:
        """A thread waiting for a plain callable's answer, until it came.

        The main thread (the loop's) reads the pipe itself: its loop cannot run
        meanwhile. Another thread lets the loop hand the answer over, and reads
        what is there itself when it has not within HANDOVER (the loop's thread
        is blocked, or there is no loop).
        """
        main = threading.current_thread() is threading.main_thread()
        while not done.is_set():
            if main:
                with self.reading:
                    while not done.is_set():
                        self.receive()
            elif not done.wait(HANDOVER) and self.reading.acquire(blocking=False):
                try:
                    self.receive(wait=False)
                finally:
                    self.reading.release()

    def run(self, module: Any, message: dict[str, Any]) -> None:
        call_id = message["id"]
        self.watch.reset()
        self.diagnostics.reset()
        try:
            function = getattr(module, message["name"], None)
            if function is None or not callable(function):
                self.send({"op": Op.UNDEFINED, "id": call_id})  # nothing ran: not a "raise"
                return
            if message.get("in_loop"):
                value = self.run_in_loop(function, message, call_id)
            elif inspect.iscoroutinefunction(function):
                value = self.run_async(function, message, call_id)
            else:
                args, kwargs = self.arguments(message)
                value = function(*args, **kwargs)
                if inspect.iscoroutine(value):
                    value.close()  # report it, and don't warn "never awaited" on stderr
        except BaseException as exc:
            raised: BaseException | None = exc
        else:
            try:
                raised, result = None, encode(value)
            except RecursionError:  # a list that holds itself, a very deep one
                raised, result = None, {"$opaque": [type_name(value), "<nested too deep>"]}
            except Exception as error:  # a dict subclass whose items() raises, say
                unreadable = f"<{type_name(value)} that cannot be read: {type_name(error)}>"
                raised, result = None, {"$opaque": [type_name(value), unreadable]}
        # A value is encoded before the reports (what the submission's __repr__ does then is in
        # them), an exception described after them.
        seen = {**self.watch.report(), **self.diagnostics.report()}
        if raised is not None:
            self.send({"op": Op.RAISE, "id": call_id, **self.describe(raised), **seen})
        else:
            self.send({"op": Op.RETURN, "id": call_id, "value": result, **seen})

    def arguments(self, message: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        return decode(message["args"], self.resolve), decode(message["kwargs"], self.resolve)

    def run_async(self, function: Any, message: dict[str, Any], call_id: int) -> Any:
        """Run a coroutine function on a fresh loop; report tasks it left pending."""
        loop = self.watch.own_loop()

        async def call() -> Any:
            args, kwargs = self.arguments(message)  # inside the loop: tasks and futures need it
            result = await function(*args, **kwargs)
            current = asyncio.current_task()
            pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
            self.diagnostics.pending(pending)
            self.send({"op": Op.DONE, "id": call_id, "pending": len(pending)})
            return result

        return self.on_own_loop(loop, call)

    def on_own_loop(self, loop: asyncio.AbstractEventLoop, call: Callable[[], Any]) -> Any:
        """Run `call()` on a loop of the bootstrap's, answering pings, then close it."""
        self.loop = loop
        self.watch_pipe(loop)
        self.diagnostics.on_loop(loop)
        try:
            return loop.run_until_complete(call())
        finally:
            self.loop = None
            finish(loop)

    def run_in_loop(self, function: Any, message: dict[str, Any], call_id: int) -> Any:
        """Call a plain function inside a running loop; await what it returns, if awaitable.

        For contracts like `deliver_later`, which is called from a running
        loop and must return a pending future at once.
        """
        loop = self.watch.own_loop()

        async def call() -> Any:
            args, kwargs = self.arguments(message)
            result = function(*args, **kwargs)
            awaitable = inspect.isawaitable(result)
            self.send(
                {
                    "op": Op.RETURNED,
                    "id": call_id,
                    "type": type(result).__name__,
                    "future": isinstance(result, asyncio.Future),
                    "pending": awaitable
                    and not (isinstance(result, asyncio.Future) and result.done()),
                }
            )
            value = await result if awaitable else result
            self.send({"op": Op.DONE, "id": call_id, "pending": 0})
            return value

        return self.on_own_loop(loop, call)

    def resolve(self, ref: Ref) -> Any:
        """Build this side's stand-in for a callable of the trusted side."""
        if ref.kind == "sync":
            return self.blocking_proxy(ref.id)
        remote = self.async_proxy(ref.id)
        if ref.kind == "async":
            return remote
        if ref.kind == "coro":
            return remote(*ref.args)
        if ref.kind == "task":
            return asyncio.ensure_future(remote(*ref.args))
        if ref.kind == "future":
            return future_of(remote(*ref.args))
        if ref.kind == "aiter":
            return RemoteIterator(remote)
        raise ValueError(f"unknown kind of callable {ref.kind!r}")

    def async_proxy(self, fn_id: int) -> Callable[..., Any]:
        server = self

        async def remote(*args: Any, **kwargs: Any) -> Any:
            server.expect_own_process()
            loop = asyncio.get_running_loop()
            server.watch_pipe(loop)  # the answer comes on the pipe: a loop of the submission's too
            future: asyncio.Future[dict[str, Any]] = loop.create_future()

            def settle(message: dict[str, Any]) -> None:
                with contextlib.suppress(RuntimeError):  # loop closed: nobody waits any more
                    loop.call_soon_threadsafe(_settle, future, message)

            call_id = next(server.ids)
            server.waiting[call_id] = settle
            server.send(server.callback(call_id, fn_id, args, kwargs))
            try:
                message = await future
            except asyncio.CancelledError:
                server.waiting.pop(call_id, None)
                server.send({"op": Op.CANCEL, "id": call_id})
                raise
            return unpack(message)

        return remote

    def blocking_proxy(self, fn_id: int) -> Callable[..., Any]:
        server = self

        def remote(*args: Any, **kwargs: Any) -> Any:
            server.expect_own_process()
            done = threading.Event()
            box: dict[str, Any] = {}

            def settle(message: dict[str, Any]) -> None:
                box["message"] = message
                done.set()

            call_id = next(server.ids)
            server.waiting[call_id] = settle
            message = server.callback(call_id, fn_id, args, kwargs)
            message["thread"] = caller()  # offload's threads through the loop: the child's word
            server.send(message)
            server.await_reply(done)
            return unpack(box["message"])

        return remote

    def expect_own_process(self) -> None:
        """A process the submission started shares the grader's pipes: its answers would race.

        So a call from one fails at once, the same way on every run, rather
        than now and then reading an answer meant for the program itself.
        """
        if os.getpid() != self.pid:
            raise RuntimeError(
                "a callable the check passes in (a fetch, a write) can only be called from "
                "your program's own process, not from a process it started"
            )

    @staticmethod
    def callback(call_id: int, fn_id: int, args: Any, kwargs: Any) -> dict[str, Any]:
        return {
            "op": Op.CALLBACK,
            "id": call_id,
            "fn": fn_id,
            "args": encode(list(args)),
            "kwargs": encode(dict(kwargs)),
        }

    def describe(self, exc: BaseException) -> dict[str, Any]:
        """An exception as data: type, message, and the submission's own frames."""
        frames = [
            f"line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}"
            for frame in traceback.extract_tb(exc.__traceback__)
            if os.path.abspath(frame.filename) == os.path.abspath(self.path)
        ]
        if isinstance(exc, SyntaxError) and exc.filename == self.path:
            frames.append(f"line {exc.lineno}: {(exc.text or '').strip()}")
        try:
            text = str(exc)
        except Exception:
            text = ""
        try:
            name = str(type(exc).__name__)
        except Exception:  # a metaclass of the submission's that raises on the name
            name = "Exception"
        return {"type": name, "message": text[:2000], "where": frames[-5:]}


def finish(loop: asyncio.AbstractEventLoop) -> None:
    """Close a loop the way asyncio.run does: cancel leftovers, then close."""
    try:
        leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in leftovers:
            task.cancel()
        if leftovers:
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


class RemoteIterator:
    """An async iterator whose items come from a trusted callable.

    Each `__anext__` awaits the callable; it ends the iteration by raising
    StopAsyncIteration, which crosses back as that very exception.
    """

    def __init__(self, remote: Callable[[], Any]) -> None:
        self.remote = remote
        self.ended = False

    def __aiter__(self) -> RemoteIterator:
        return self

    async def __anext__(self) -> Any:
        if self.ended:  # an ended iterator stays ended, without asking again
            raise StopAsyncIteration
        try:
            return await self.remote()
        except StopAsyncIteration:
            self.ended = True
            raise


def future_of(coro: Any) -> asyncio.Future[Any]:
    """A plain Future that settles with `coro`; cancelling it cancels the work."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    task = loop.create_task(coro)

    def copy(done: asyncio.Task[Any]) -> None:
        if future.done():
            return
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())  # type: ignore[arg-type]
        else:
            future.set_result(done.result())

    task.add_done_callback(copy)
    future.add_done_callback(lambda f: task.cancel() if f.cancelled() else None)
    return future


_exception_types: dict[str, type[BaseException]] = {}


def exception_type(name: str) -> type[BaseException]:
    """The builtin exception of that name, or a look-alike class with that name."""
    found = getattr(builtins, name, None)
    if isinstance(found, type) and issubclass(found, BaseException):
        return found
    if name == "CancelledError":
        return asyncio.CancelledError
    if name not in _exception_types:
        _exception_types[name] = type(name, (Exception,), {})
    return _exception_types[name]


def unpack(message: dict[str, Any]) -> Any:
    if "error" in message:
        error = message["error"]
        kind = exception_type(str(error["type"]))
        args = decode(error["args"]) if "args" in error else [str(error["message"])]
        try:
            exc = kind(*args)
        except TypeError:  # a builtin that wants other arguments (UnicodeDecodeError, ...)
            exc = exception_type("_" + kind.__name__)(str(error["message"]))
        raise exc
    return decode(message.get("value"))


def _settle(future: asyncio.Future[dict[str, Any]], message: dict[str, Any]) -> None:
    if not future.done():
        future.set_result(message)
