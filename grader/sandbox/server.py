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
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import importlib.util
import inspect
import itertools
import os
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from grader.sandbox.codec import Ref, decode, encode, type_name
from grader.sandbox.diagnostics import Diagnostics
from grader.sandbox.watch import LoopWatch
from grader.sandbox.wire import MAX_MESSAGE, Op, dumps, loads

#: How long a ping may wait for the loop before the reader thread looks at what holds it.
_SAMPLE_AFTER = 0.04


class Server:
    """Imports the submission, then runs the calls the trusted side sends."""

    def __init__(self, out_fd: int, in_fd: int, path: str, *, diagnose: bool = True) -> None:
        self.out_fd = out_fd
        self.in_fd = in_fd
        self.path = path
        self.write_lock = threading.Lock()
        self.calls: queue.Queue[dict[str, Any]] = queue.Queue()
        self.waiting: dict[int, Callable[[dict[str, Any]], None]] = {}
        self.ids = itertools.count(1)
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop a call runs on, for pings
        self.diagnostics = Diagnostics(path, enabled=diagnose)
        self.watch = LoopWatch(self.diagnostics)
        self.unanswered: dict[int, float] = {}  # pings the loop has not answered yet

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

    def listen(self, program: bytes = b"") -> None:
        """Start the reader thread (before the observer's filter, which would count it).

        The thread first puts `program` (a seccomp filter) on itself; this
        returns once it has, before any submission code can run.
        """
        restricted = threading.Event()
        failed: list[BaseException] = []

        def read() -> None:
            try:
                if program:
                    from grader.sandbox.isolation import seccomp

                    seccomp.load(program)
            except BaseException as error:
                failed.append(error)
                return
            finally:
                restricted.set()
            self.read()

        threading.Thread(target=read, name="grader-reader", daemon=True).start()
        restricted.wait()
        if failed:
            raise failed[0]

    def serve(self) -> None:
        # Said before any of the submission runs: what comes after may be its forgery.
        self.send({"op": Op.SERVING})
        self.diagnostics.install()
        module = self.load()
        functions = {
            name: "async" if inspect.iscoroutinefunction(obj) else "sync"
            for name, obj in vars(module).items()
            if callable(obj) and not name.startswith("_") and not inspect.isclass(obj)
        }
        self.send({"op": Op.READY, "functions": functions})
        self.watch.install()
        while True:
            self.run(module, self.calls.get())

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

    def read(self) -> None:
        """Reader thread: route the trusted side's messages."""
        with os.fdopen(self.in_fd, "rb", buffering=0) as stream:
            for line in iter(stream.readline, b""):
                message = loads(line)
                op = message.get("op")
                if op == Op.CALL:
                    self.calls.put(message)
                elif op == Op.REPLY:
                    settle = self.waiting.pop(int(message["id"]), None)
                    if settle is not None:
                        settle(message)
                elif op == Op.PING:
                    self.ping(int(message["seq"]))
        os._exit(0)  # the trusted side has gone: nothing left to serve

    def ping(self, seq: int) -> None:
        """From the reader thread: the call's loop answers, or what holds it is looked at."""
        loop = self.loop
        if loop is None:
            return
        now = time.monotonic()
        waiting = min(self.unanswered.values(), default=now)
        if now - waiting >= _SAMPLE_AFTER:
            self.diagnostics.sample_blocked(threading.main_thread().ident)
        self.unanswered[seq] = now
        with contextlib.suppress(RuntimeError):  # the loop closed in between
            loop.call_soon_threadsafe(self.pong, seq)

    def pong(self, seq: int) -> None:
        self.unanswered.pop(seq, None)
        self.send({"op": Op.PONG, "seq": seq})

    def run(self, module: Any, message: dict[str, Any]) -> None:
        call_id = message["id"]
        self.watch.reset()
        self.diagnostics.reset()
        self.unanswered.clear()
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
            loop = asyncio.get_running_loop()
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
            done = threading.Event()
            box: dict[str, Any] = {}

            def settle(message: dict[str, Any]) -> None:
                box["message"] = message
                done.set()

            call_id = next(server.ids)
            server.waiting[call_id] = settle
            server.send(server.callback(call_id, fn_id, args, kwargs))
            done.wait()
            return unpack(box["message"])

        return remote

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
