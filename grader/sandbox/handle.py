"""One child that runs a submission for a check, as the trusted side holds it.

The child is a fork of the zygote (`grader.sandbox.forkserver`), inside the
isolation; it imports the submission, then serves calls. Only JSON crosses,
on two pipes of its own (`grader.sandbox.wire`); the submission's stdout
and stderr are separate pipes, read here and timestamped on arrival with the
trusted clock. Callables a check passes in run here when the child calls
them. The child is watched from outside (`grader.sandbox.observation`);
where its loop's thread cannot be, the loop is pinged from here during async
calls, so a blocked loop is still measured by the trusted clock.

When the child is done with, or misbehaves, the zygote kills it with
everything it started; `close` returns only when none of it is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import inspect
import itertools
import os
import random
import socket
import struct
import tempfile
import termios
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from grader.clock import now
from grader.sandbox import boot, cgroup, faults, load, observation, wire
from grader.sandbox.awaitables import Made
from grader.sandbox.codec import Ref, decode, encode
from grader.sandbox.faults import (
    ImportFailed,
    SandboxFailed,
    SubmissionDied,
    SubmissionFault,
    SubmissionRaised,
    SubmissionTimeout,
    Undefined,
)
from grader.sandbox.forkserver import ForkServer
from grader.sandbox.isolation import Backend, namespaces, sandbox_uids
from grader.sandbox.limits import Limits
from grader.sandbox.observation import Facet, Observation, Watcher
from grader.sandbox.observation.listener import MOST
from grader.sandbox.observation.records import Handled
from grader.sandbox.records import Call, Line
from grader.sandbox.source import Source
from grader.sandbox.wire import MAX_MESSAGE, Op, dumps, loads

_PING_EVERY = 0.02
#: A ping left waiting this long marks its stretch as blocked, in the call's timeline.
BLOCKED = 0.05
#: The most a submission may hold, read into its child.
MAX_SUBMISSION = 1024 * 1024
#: The most a child may send in messages, all its calls together: far beyond any honest
#: check's (values of a few KB, a few hundred callbacks), and a bound on the memory of ours.
MAX_RECEIVED = 64 * 1024 * 1024
#: The most of our messages a child may leave unread before it counts as not reading.
MAX_UNREAD = 16 * 1024 * 1024
#: The most of an argument a callable's error quotes back to the child.
MAX_QUOTED = 1000
#: The longest the grader waits, after a call's answer, for the child to be idle.
_SETTLE = 1.0
#: How long a kill may take before the grader gives up waiting on it.
_KILL_WAIT = 30.0
#: How often the trusted side reads the check's control group for processes killed for memory.
_MEMORY_EVERY = 0.02


class _Pipe(asyncio.Protocol):
    """Hands each chunk a pipe delivers to `sink` the moment it is read."""

    def __init__(self, sink: Callable[[bytes, float], None], closed: Callable[[], None]) -> None:
        self.sink = sink
        self.closed = closed

    def data_received(self, data: bytes) -> None:
        self.sink(data, now())

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed()


class Sandbox:
    """A running child that imported the submission and serves calls."""

    def __init__(
        self, path: Path, limits: Limits, forkserver: ForkServer, *, listen: bool = False
    ) -> None:
        self.path = path.absolute()  # the name the student gave, a link's too (not its target's)
        self.limits = limits
        self.forkserver = forkserver
        self.listen = listen
        self.functions: dict[str, str] = {}  # the child's, as far as the file agrees
        self.source = Source()  # what the file says, read here
        self.fault: SubmissionFault | SandboxFailed | None = None
        self.stderr = bytearray()
        self.lines: list[Line] = []
        self.listener: socket.socket | None = None  # where the child's test server listens
        self.id = forkserver.next_id()
        self._output_bytes = 0
        self._partial = b""
        self._inbox = b""
        self._parsed = 0  # bytes of messages parsed so far, each line with its newline
        self._replied: int | None = None  # where the current call's answer ended, in those bytes
        self._handled: list[Handled] = []  # plain callables the current call waited on
        self._out_fd = -1
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ready: asyncio.Future[dict[str, Any]] | None = None
        self._callables: dict[int, Callable[..., Any]] = {}
        self._callable_ids: dict[int, int] = {}
        self._callbacks: dict[int, asyncio.Task[None]] = {}
        self._pings: dict[int, float] = {}  # ping -> when it was sent
        self._pongs: dict[int, float] = {}  # ping -> when its answer arrived
        self._current: Call | None = None
        self._current_id = 0
        self._pool: ThreadPoolExecutor | None = None
        self._transports: list[asyncio.BaseTransport] = []
        self._writer: asyncio.WriteTransport | None = None
        self._stdout_fd = -1
        self._spawned = False
        self._closed = False
        self._importing = True
        self._loop: asyncio.AbstractEventLoop | None = None
        self._serving = False  # SERVING came: the submission may write anything from here
        self._received = 0  # bytes of messages from the child, against MAX_RECEIVED
        self._open_async: set[int] = set()  # async callables the child awaits right now
        self.watcher: Watcher | None = None  # what the grader sees of the child from outside
        self.group: cgroup.Group | None = None  # the check's control group, if it has one
        self._server_pid = 0  # the child's server, as the kernel named it (0: not known)
        self._waits_began = load.Reading(0.0, 0.0)  # the load meter when the call was sent

    # -- life cycle -------------------------------------------------------

    async def start(self) -> None:
        """Start the child and wait until the submission is imported."""
        loop = self._loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        # Its failure is raised from `start` when someone waits; a spare no one took is fine.
        self._ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        content = self.path.read_bytes()
        if len(content) > MAX_SUBMISSION:
            raise ImportFailed(
                f"your file is larger than {MAX_SUBMISSION // 1024} KiB; the grader takes "
                "one Python file of reasonable size"
            )
        self.source = Source.parse(content)
        isolated = self.forkserver.isolation.backend is not Backend.NONE
        uid = (
            random.SystemRandom().choice(sandbox_uids()) if isolated and os.geteuid() == 0 else None
        )
        joins = self._make_group()
        ours: list[int] = []
        theirs: list[int] = []
        for _ in range(4):  # messages out, messages in, stdout, stderr
            read, write = os.pipe()
            ours.append(read if len(ours) != 1 else write)
            theirs.append(write if len(theirs) != 1 else read)
        out_r, in_w, stdout_r, stderr_r = ours
        copy = _copy_of(content)
        theirs.append(copy)
        observing, their_observing = wire.socketpair()
        observing.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)  # the kernel names its pid
        theirs.append(their_observing.detach())
        handoff: socket.socket | None = None
        port = None
        if self.listen and self.forkserver.isolation.backend is Backend.NAMESPACES:
            handoff, their_end = wire.socketpair()
            theirs.append(their_end.detach())
        elif self.listen:
            self.listener = namespaces.listener()  # the grader's own, on the host's loopback
            port = int(self.listener.getsockname()[1])
        theirs.extend(joins)  # last: the child joins them before anything else
        order = boot.Order(
            id=self.id, name=self.path.name, limits=self.limits.for_child(), uid=uid,
            listen=handoff is not None, port=port, joins=len(joins),
        )  # fmt: skip
        try:
            spawned = self.forkserver.spawn(order, theirs, self._on_keeper_ended)
            self._spawned = True
        except BaseException:
            for fd in ours:
                os.close(fd)
            if self.group is not None:
                self.group.remove()
            observing.close()
            if handoff is not None:
                handoff.close()
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        self._stdout_fd = stdout_r
        self._out_fd = out_r
        if self.group is not None:
            loop.call_later(_MEMORY_EVERY, self._watch_memory)
        # Our own protocols on the output pipes, so each chunk is timestamped as
        # it is read rather than when a check gets round to it.
        for fd, sink, closed in (
            (stdout_r, self._on_stdout, lambda: None),
            (stderr_r, self._on_stderr, lambda: None),
            (out_r, self._on_message_bytes, self._on_channel_closed),
        ):
            transport, _ = await loop.connect_read_pipe(
                lambda sink=sink, closed=closed: _Pipe(sink, closed),  # type: ignore[misc]
                os.fdopen(fd, "rb", buffering=0),
            )
            self._transports.append(transport)
        writer, _ = await loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(in_w, "wb", buffering=0)
        )
        self._transports.append(writer)
        self._writer = writer
        try:
            ready = await asyncio.wait_for(
                self._boot(spawned, handoff, observing), self.limits.import_timeout
            )
        except asyncio.CancelledError:
            await self.close()
            raise
        except TimeoutError:
            await self.close()
            raise ImportFailed(
                f"your file did not finish importing within {self.limits.import_timeout:g} s; "
                "is there code at the top level that waits or loops forever? "
                'Put it under `if __name__ == "__main__":`'
            ) from None
        except (ImportFailed, SandboxFailed):
            await self.close()
            raise
        except SubmissionFault as fault:  # it exited, crashed or flooded while importing
            await self.close()
            raise ImportFailed(str(fault)) from None
        finally:
            observing.close()
            if handoff is not None:
                handoff.close()
        self._importing = False
        claimed = ready.get("functions")
        self.functions = self.source.functions(dict(claimed) if isinstance(claimed, dict) else {})

    async def _boot(
        self, spawned: Any, handoff: socket.socket | None, observing: socket.socket
    ) -> dict[str, Any]:
        """The child's start: the zygote forked it, it handed over its listeners, it imported."""
        assert self._ready is not None
        # Shielded: giving up on this start must not cancel the fork server's own record.
        await asyncio.shield(asyncio.wrap_future(spawned))
        await self._observe(observing)
        if handoff is not None:
            self.listener = await asyncio.to_thread(_receive_listener, handoff)
        return await asyncio.shield(self._ready)

    async def _observe(self, channel: socket.socket) -> None:
        """Watch the child from outside: its listener, and its server's pid as the kernel says.

        The child installs the observer's filter and sends its listener before
        the submission is imported, so everything the submission starts is seen.
        """
        watcher = self.watcher = observation.watcher()
        if not self.forkserver.observe:
            watcher.missing.setdefault(Facet.STARTS, "observation was turned off")
            watcher.missing.update(dict.fromkeys(Facet, watcher.missing[Facet.STARTS]))
            return
        message, fds, pid = await asyncio.to_thread(wire.receive_from, channel)
        if message is None or message.get("op") != Op.OBSERVING or len(fds) != 1 or pid <= 0:
            for fd in fds:
                os.close(fd)
            why = str(message.get("error", "")) if message is not None else ""
            reason = f"the child could not install the observer ({why or 'no listener came'})"
            watcher.missing.update(dict.fromkeys(Facet, reason))
            return
        watcher.attach(fds[0], pid, self._written, boot.FD_IN)
        self._server_pid = pid
        # Its waits for a CPU explain its checks' late times; the CPU it uses does not.
        load.METER.watch(pid, self.group)
        watcher.nudge = self.forkserver.diagnose
        loop = asyncio.get_running_loop()
        flood = SubmissionDied(
            f"your program started more than {MOST} threads, processes or event loops, so the "
            "grader stopped it"
        )
        watcher.on_flood = lambda: _call_soon(loop, self._fail, flood)

    def _written(self) -> int:
        """Bytes of messages the child has written so far: those read, and those in the pipe."""
        return self._received + _unread(self._out_fd)

    def _make_group(self) -> list[int]:
        """The check's control group, where the machine has them: what the child writes to join."""
        group = cgroup.create(self.limits)
        if isinstance(group, str):
            if isinstance(cgroup.locate(), cgroup.Hierarchy):
                # Reports say every check had one: a check without would be limited less.
                raise SandboxFailed(f"the sandbox could not start a child: {group}")
            return []
        try:
            joins = group.joiners()
        except OSError as error:
            group.remove()
            raise SandboxFailed(f"the sandbox could not start a child: {error}") from None
        self.group = group
        return joins

    def kill_now(self) -> None:
        """Kill the child without an event loop (its loop may be closed already)."""
        if self._closed:
            return
        self._closed = True
        self._forget_load()
        if self.watcher is not None:
            self.watcher.close()
        if self._spawned:
            with contextlib.suppress(Exception):
                self.forkserver.kill(self.id).result(timeout=_KILL_WAIT)
            self.forkserver.release(self.id)
        if self.group is not None:
            self.group.remove()
        self._drop_listener()

    async def close(self, *, wait: bool = True) -> None:
        """Kill the child and everything it started; return when none of it is left.

        Without `wait`, return as soon as the kill is asked for: the child is
        beyond reach of the next one already (it is SIGKILLed at once), and
        `ForkServer.settle` waits for all such kills together.
        """
        if self._closed:
            return
        self._closed = True
        self._forget_load()
        self._fail(SubmissionDied("the sandbox was closed"))
        if self.watcher is not None:
            self.watcher.close()
        for task in list(self._callbacks.values()):
            task.cancel()
        try:
            if self._spawned and not wait:
                self.forkserver.kill(self.id)
            elif self._spawned:
                gone = asyncio.wrap_future(self.forkserver.kill(self.id))
                try:
                    await asyncio.wait_for(asyncio.shield(gone), _KILL_WAIT)
                except TimeoutError:
                    raise SandboxFailed(
                        f"the sandbox did not end a child within {_KILL_WAIT:g} s"
                    ) from None
                self.forkserver.release(self.id)
        finally:
            for transport in self._transports:
                transport.close()
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            if self.group is not None:
                self.group.remove()  # now, or once its processes are gone (`wait=False`)
            self._drop_listener()

    def _forget_load(self) -> None:
        """Keep what the child's threads waited for a CPU; read before it is killed."""
        if self._server_pid:
            load.METER.forget(self._server_pid)
            self._server_pid = 0

    def _drop_listener(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    # -- calls -----------------------------------------------------------

    async def call(
        self,
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        deadline: float,
        in_loop: bool = False,
    ) -> Call:
        """Run `name(*args, **kwargs)` in the child; raise a SubmissionFault if it misbehaves.

        With `in_loop`, a plain function is called inside a running event loop,
        and what it returns is awaited when it is awaitable.
        """
        if self.fault is not None:
            raise self.fault
        loop = asyncio.get_running_loop()
        call_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._pending[call_id] = future
        message = {
            "op": Op.CALL,
            "id": call_id,
            "name": name,
            "args": encode(list(args), self._register),
            "kwargs": encode(dict(kwargs), self._register),
            "in_loop": in_loop,
        }
        record = Call(name=name, started=now())
        self._current, self._current_id = record, call_id
        self._replied = None
        self._handled = []
        self._pings.clear()
        self._pongs.clear()
        first_line, first_error = len(self.lines), len(self.stderr)
        looped = in_loop or self.functions.get(name) == "async"
        if self.watcher is not None:
            self.watcher.begin(own_loop=looped)
        self._waits_began = load.METER.reading()
        self._send(message)
        pinger = loop.create_task(self._ping(record)) if looped else None
        try:
            reply = await asyncio.wait_for(future, deadline)
        except TimeoutError:
            record.ended = now()
            record.observed = self._watched(looped)
            await self.close()
            raise SubmissionTimeout(
                f"{name}() did not finish within {deadline:g} s (stopped after "
                f"{record.ended - record.started:.2f} s){_forked(record)}"
            ) from None
        except BaseException:
            self._watched(looped)
            raise
        finally:
            self._pending.pop(call_id, None)
            if pinger is not None:
                pinger.cancel()
        record.ended = await self._settled(now(), deadline)
        record.observed = self._watched(looped)
        await self._drain_stdout()
        record.lines = self.lines[first_line:]
        record.stderr = self.stderr[first_error:].decode("utf-8", "replace")
        waits = self._waits(record) if pinger is not None else None
        record.stall = _stall(waits) if waits is not None else None
        record.blocked = _blocked(waits) if waits is not None else []
        record.diagnostics = _records(reply.get("diagnostics"))
        record.blocked_lines = _records(reply.get("blocked"))
        record.loops = _records(reply.get("loops"))
        runners = reply.get("runners")
        record.runners = runners if isinstance(runners, int) else 0
        if reply["op"] == Op.UNDEFINED:
            raise Undefined(f"your file does not define {name}()")
        if reply["op"] == "raise" and reply["type"] == "SystemExit":
            code = reply.get("message") or "0"
            raise SubmissionDied(f"your program exited during the check (sys.exit({code}))")
        if reply["op"] == "raise" and reply["type"] == "MemoryError":
            raise SubmissionDied(faults.memory_text(self.limits.memory_mb, importing=False))
        if reply["op"] == "raise":
            raise SubmissionRaised(
                name, reply["type"], reply["message"], reply.get("where", []), record
            )
        if "oversize" in reply:
            raise SubmissionFault(f"{name}() returned a value too large to grade")
        if "unsendable" in reply:
            raise SubmissionFault(
                f"{name}() returned a value the grader cannot read ({reply['unsendable']})"
            )
        record.value = decode(reply.get("value"))
        return record

    async def _settled(self, replied: float, deadline: float) -> float:
        """When the call was over: its answer, or later, once the child was seen idle.

        The answer is the child's word: one sent early, while its work goes on,
        would make a slow call look quick. A call is over once every thread of
        the child waits, with no timeout, for someone else (`Watcher.idle`):
        an honest child is, within a millisecond of its answer.
        """
        watcher = self.watcher
        if watcher is None or not watcher.attached or self.fault is not None:
            return replied
        give_up = replied + min(deadline, _SETTLE)
        settled = replied
        while not watcher.idle():
            settled = now()  # seen at work after its answer: the call lasted at least until now
            if settled >= give_up:
                break
            await asyncio.sleep(0.001)
        return settled

    def _watched(self, looped: bool) -> Observation | None:
        """What the grader saw of the call that just ended, from outside the child."""
        # What load cost the call, read before the child may be killed: a late time of it
        # is weighed against this (`grader.grading.retries`).
        load.METER.spent_in_call(self._waits_began)
        if self.watcher is None:
            return None
        return self.watcher.end(own_loop=looped, replied=self._replied, handled=self._handled)

    def _register(self, value: Any) -> Ref | None:
        """Give a check's callable a number the child can call it by."""
        if isinstance(value, Made):
            return Ref(self._number(value.fn), value.kind, tuple(value.args))
        if not callable(value):
            return None
        return Ref(self._number(value), "async" if self._is_async(value) else "sync")

    def _number(self, fn: Callable[..., Any]) -> int:
        key = id(fn)
        if key not in self._callable_ids:
            self._callable_ids[key] = len(self._callables) + 1
            self._callables[self._callable_ids[key]] = fn
        return self._callable_ids[key]

    # -- what the child says ----------------------------------------------

    def _on_message_bytes(self, data: bytes, at: float) -> None:
        self._received += len(data)
        if self._received > MAX_RECEIVED:
            self._fail(
                SubmissionDied(
                    f"your program sent the grader more than {MAX_RECEIVED >> 20} MB of "
                    "messages, so the grader stopped it"
                )
            )
            return
        self._inbox += data
        while b"\n" in self._inbox:
            line, self._inbox = self._inbox.split(b"\n", 1)
            self._parsed += len(line) + 1
            self._on_message(line, at)
        if len(self._inbox) > MAX_MESSAGE:
            self._fail(SubmissionDied("your program sent the grader more data than it accepts"))

    def _on_message(self, line: bytes, at: float) -> None:
        try:
            message = loads(line)
            op = message.get("op")
            if op == Op.PONG:
                self._on_pong(int(message["seq"]), at)
            elif op == Op.READY and self._ready is not None and not self._ready.done():
                self._ready.set_result(message)
            elif op == Op.IMPORT_FAILED:
                self._fail(ImportFailed(faults.import_failure(message, self.limits.memory_mb)))
            elif op in (Op.RETURN, Op.RAISE, Op.UNDEFINED):
                future = self._pending.get(int(message["id"]))
                if future is not None and not future.done():
                    self._replied = self._parsed
                    future.set_result(message)
            elif op == Op.RETURNED:
                self._on_returned(message, at)
            elif op == Op.DONE:
                current = self._current
                if current is not None and current.done_at is None and self._is_current(message):
                    current.done_at = at
                    # What the child says is pending is a claim; an async callable it still
                    # awaits is a task pending, whatever it says.
                    claimed = int(message.get("pending", 0))
                    current.pending = max(claimed, len(self._open_async))
            elif op == Op.CALLBACK:
                if self._current is not None:
                    self._current.asked_at = at
                self._on_callback(message)
            elif op == Op.CANCEL:
                self._on_cancel(int(message["id"]))
            elif op == Op.EXIT:
                self._fail(SubmissionDied(self._exit_text(int(message["code"]))))
            elif op == Op.SERVING:
                self._serving = True
            elif op == Op.FAILED and self._serving:
                # Only the child's set-up says FAILED, before SERVING: after it, the
                # submission wrote it, and a forged grader failure would leave no report.
                self._fail(
                    SubmissionDied(
                        "your program sent the grader a message only the sandbox may send"
                    )
                )
            elif op == Op.FAILED:
                self._fail(
                    SandboxFailed(f"the sandbox could not start a child: {message['reason']}")
                )
        except (ValueError, KeyError, TypeError, ArithmeticError, RecursionError):
            self._fail(SubmissionDied("your program sent the grader a message it cannot read"))

    def _is_current(self, message: dict[str, Any]) -> bool:
        """Whether a message names the call now running (a DONE of another is a forgery)."""
        return message.get("id") == self._current_id

    def _on_returned(self, message: dict[str, Any], at: float) -> None:
        """A plain function called in the loop returned: the first word of it counts."""
        current = self._current
        if current is not None and current.returned_at is None and self._is_current(message):
            current.returned_at = at
            current.returned = {k: v for k, v in message.items() if k != "op"}

    def _on_cancel(self, call_id: int) -> None:
        """The child cancelled its await of a callable: stop it, and answer CancelledError.

        An honest child no longer waits for that answer. A cancel the
        submission sent of its own, while a task still awaits the callable,
        gets that task cancelled as a real cancel would have done.
        """
        self._open_async.discard(call_id)
        for handled in self._handled:  # a plain callable cancelled: no longer the grader's time
            if handled.call_id == call_id:
                handled.close(now())
        task = self._callbacks.pop(call_id, None)
        if task is not None:
            task.cancel()
            error = {"type": "CancelledError", "message": "", "args": []}
            self._send({"op": Op.REPLY, "id": call_id, "error": error})

    def _on_callback(self, message: dict[str, Any]) -> None:
        call_id = int(message["id"])
        fn = self._callables.get(int(message["fn"]))
        if fn is None:
            raise KeyError("no such callable")
        args = decode(message.get("args", []))
        kwargs = decode(message.get("kwargs", {}))
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise TypeError("bad arguments")
        handled = None
        if self._is_async(fn):
            self._open_async.add(call_id)
        else:  # the child's thread waits for the answer: the grader's part of that is timed
            handled = Handled(self._parsed, call_id, getattr(fn, "__name__", "a callable"))
            self._handled.append(handled)
        self._callbacks[call_id] = asyncio.get_running_loop().create_task(
            self._serve_callback(call_id, fn, args, kwargs, handled)
        )

    async def _serve_callback(
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
            # Clipped: an error quoting a 4 MB argument, sent back once per call, would
            # otherwise pile up in the pipe of a child that stopped reading.
            text = str(exc)[:MAX_QUOTED]
            error: dict[str, Any] = {"type": type(exc).__name__, "message": text}
            if all(
                a is None
                or isinstance(a, int | float)
                or (isinstance(a, str) and len(a) <= MAX_QUOTED)
                for a in exc.args
            ):
                error["args"] = list(
                    exc.args
                )  # rebuilt as they were: KeyError('x'), OSError(28, ..)
            reply = {"op": Op.REPLY, "id": call_id, "error": error}
        else:
            reply = {"op": Op.REPLY, "id": call_id, "value": encode(value)}
        finally:
            self._callbacks.pop(call_id, None)
            self._open_async.discard(call_id)
        self._send(reply)
        if handled is not None:
            handled.replied = now()

    @staticmethod
    def _is_async(fn: Callable[..., Any]) -> bool:
        return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
            getattr(fn, "__call__", None)  # noqa: B004
        )

    def _on_stdout(self, data: bytes, at: float) -> None:
        self._count_output(data)
        self._partial += data
        *complete, self._partial = self._partial.split(b"\n")
        for raw in complete:
            self.lines.append(Line(at, raw.decode("utf-8", "replace").rstrip("\r")))

    def _on_stderr(self, data: bytes, at: float) -> None:
        self._count_output(data)
        room = 16 * 1024 - len(self.stderr)
        if room > 0:
            self.stderr += data[:room]

    def _count_output(self, data: bytes) -> None:
        self._output_bytes += len(data)
        if self._output_bytes > self.limits.output_kb * 1024:
            self._fail(
                SubmissionDied(
                    f"your program printed more than {self.limits.output_kb} KiB of output, "
                    "so the grader stopped it"
                )
            )

    def _on_channel_closed(self) -> None:
        self._fail(SubmissionDied(self._exit_text(None)))

    def _on_keeper_ended(self, code: int | None) -> None:
        """From the fork server's thread: the child's keeper ended before it was killed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            # Give the keeper's own report (it knows how the server ended) a moment to land.
            loop.call_soon_threadsafe(loop.call_later, 0.05, self._keeper_ended, code)

    def _keeper_ended(self, code: int | None) -> None:
        if code is None:
            self._fail(SandboxFailed("the sandbox's zygote ended while the child ran"))
        elif code < 0:
            self._fail(SubmissionDied("your program killed its parent process"))
        else:
            self._fail(SubmissionDied(self._exit_text(None)))

    def _exit_text(self, code: int | None) -> str:
        return faults.exit_text(
            code, importing=self._importing, cpu_seconds=self.limits.cpu_seconds
        )

    def _fail(self, fault: SubmissionFault | SandboxFailed) -> None:
        """Record the first thing that went wrong and end every wait on the child."""
        if self.fault is None:
            # A process the kernel killed for memory explains whatever followed (an exit,
            # a parent gone, a pipe closed, a deadline missed waiting for it).
            self.fault = self._memory_fault() or fault
        for future in list(self._pending.values()):
            if not future.done():
                future.set_exception(self.fault)
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(self.fault)
        if not self._closed and self._spawned:
            self.forkserver.kill(self.id)  # stop it now; `close` waits until it is gone

    def _memory_fault(self) -> SubmissionDied | None:
        """Why the child ends if the kernel killed one of its processes for memory, else None."""
        if self.group is None or self.group.oom_kills() == 0:
            return None
        return SubmissionDied(faults.memory_text(self.limits.memory_mb, importing=self._importing))

    def _watch_memory(self) -> None:
        """While the child lives: stop all of it at the first process killed for memory."""
        if self._closed or self.fault is not None or self._loop is None:
            return
        fault = self._memory_fault()
        if fault is not None:
            self._fail(fault)
        else:
            self._loop.call_later(_MEMORY_EVERY, self._watch_memory)

    # -- loop responsiveness ---------------------------------------------

    async def _ping(self, record: Call) -> None:
        """Ping the call's loop every _PING_EVERY until cancelled.

        Where the loop's thread is not watched, the answers measure the loop.
        Where it is, a ping is a probe: a loop that waits in its epoll for
        anything but the loop's work (a sleep in the loop's own poll, say)
        is woken by it, and must take it off the pipe or be seen spinning.
        """
        for seq in itertools.count(1):
            self._pings[seq] = now()
            self._send({"op": Op.PING, "seq": seq})
            await asyncio.sleep(_PING_EVERY)

    def _on_pong(self, seq: int, at: float) -> None:
        if seq in self._pings:
            self._pongs[seq] = at

    def _waits(self, record: Call) -> list[tuple[float, float]]:
        """Each ping's wait for the loop: (sent, answered or the call's end).

        Pings sent before the loop first answered are left out: until then the
        call was still starting, which is no fault of the submission's.
        """
        end = record.finished
        if not self._pongs:
            return [(record.started, end)]
        first = min(self._pongs)
        return [
            (sent, self._pongs.get(seq, end))
            for seq, sent in self._pings.items()
            if (seq in self._pongs or seq > first) and sent < end
        ]

    # -- plumbing ---------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        if self._writer is not None and not self._writer.is_closing():
            if self._writer.get_write_buffer_size() > MAX_UNREAD:
                self._fail(
                    SubmissionDied(
                        "your program stopped reading what the grader sends it, so the grader "
                        "stopped it"
                    )
                )
                return
            self._writer.write(dumps(message))

    async def _drain_stdout(self) -> None:
        """Let every byte already in the stdout pipe reach `self.lines`.

        The child flushes its output before it replies, but the reply travels
        on another pipe, so it can be read first.
        """
        for _ in range(200):
            if _unread(self._stdout_fd) == 0:
                break
            await asyncio.sleep(0.001)
        await asyncio.sleep(0)


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    """`fn(*args)` on `loop`, from another thread; nothing if the loop is closed."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(fn, *args)


def _forked(record: Call) -> str:
    """Why a call that started processes may never have finished, when it did."""
    seen = record.observed
    started = seen.processes + seen.processes_before if seen is not None else 0
    if not started:
        return ""
    return (
        f"; it started {started} process{'es' * (started > 1)}: a callable the check passes "
        "in (a fetch, a write) can only be called from your program's own process, so a "
        "process waiting on one never gets its answer"
    )


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


def _unread(fd: int) -> int:
    try:
        raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    except OSError:
        return 0
    return int(struct.unpack("i", raw)[0])


def _copy_of(content: bytes) -> int:
    """A file descriptor of an anonymous file holding `content`: the child's copy to read."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("submission", os.MFD_CLOEXEC)
    else:  # not Linux: an unlinked temporary file does the same
        with tempfile.TemporaryFile() as file:
            fd = os.dup(file.fileno())
    os.write(fd, content)
    return fd


def _stall(waits: list[tuple[float, float]]) -> float:
    """The longest a ping waited for the submission's loop during the call."""
    return max((answered - sent for sent, answered in waits), default=0.0)


def _blocked(waits: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches during which the loop left a ping waiting longer than `BLOCKED`."""
    stretches: list[tuple[float, float]] = []
    for sent, answered in sorted(waits):
        if answered - sent < BLOCKED:
            continue
        if stretches and sent <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(stretches[-1][1], answered))
        else:
            stretches.append((sent, answered))
    return stretches


def _records(value: object, most: int = 100) -> list[dict[str, Any]]:
    """What the child says it saw, as a list of records; anything else it sent counts as nothing.

    The child is the submission's process: whatever it reports may be forged or
    malformed, and must cost it at most what it says, never the grading.
    """
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)][:most]


def _receive_listener(handoff: socket.socket) -> socket.socket:
    """The check's listening socket, from its keeper; checked to be what was asked for."""
    message, fds = wire.receive(handoff)
    if message is None or message.get("op") != Op.LISTENING or len(fds) != 1:
        for fd in fds:
            os.close(fd)
        raise SandboxFailed("the child's keeper did not hand over its listening socket")
    sock = socket.socket(fileno=fds[0])
    listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    address = sock.getsockname() if sock.family == socket.AF_INET else ("", 0)
    if sock.type != socket.SOCK_STREAM or not listening or address[0] != "127.0.0.1":
        sock.close()
        raise SandboxFailed("the child's keeper handed over something else than a TCP listener")
    return sock
