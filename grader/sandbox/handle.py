"""One disposable child process that runs a submission, seen from the trusted side.

The child is started in its own session with stdin from /dev/null, a minimal
environment, a private working directory and resource limits (set by
`grader.sandbox.server` before the submission is imported). Only JSON lines cross, on
two pipes of their own; the submission's stdout and stderr are separate pipes,
read here and timestamped on arrival with the trusted clock.

When the child is done with, or misbehaves, it is killed as a whole process
group, and any process that escaped the group (found by a token in its
environment) too; `close` returns only when none of it is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fcntl
import inspect
import itertools
import json
import os
import secrets
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.clock import now
from grader.sandbox.codec import MAX_MESSAGE, Opaque, Ref, decode, dumps, encode, loads

_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); import grader.sandbox.server as c; "
    "del sys.path[0]; c.main()"
)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_PING_EVERY = 0.02


@dataclass(frozen=True)
class Limits:
    """What one child may use; `exercise.yaml` can change any of them."""

    call_timeout: float = 5.0
    import_timeout: float = 5.0
    cpu_seconds: int = 20
    memory_mb: int = 512
    file_mb: int = 16
    open_files: int = 256
    processes: int = 64
    output_kb: int = 256

    def to_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)

    def for_child(self) -> dict[str, int]:
        return {
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.memory_mb * 1024 * 1024,
            "file_bytes": self.file_mb * 1024 * 1024,
            "open_files": self.open_files,
            "processes": self.processes,
        }


class SubmissionFault(Exception):
    """The submission did not behave; `status` is the check status this means."""

    status = "error"


class SubmissionRaised(SubmissionFault):
    """The submission's function raised an exception; `call` is what was seen of the call."""

    def __init__(
        self, name: str, type_name: str, message: str, where: list[str], call: Call | None = None
    ) -> None:
        self.call = call
        self.type_name = type_name
        self.detail = message
        self.where = where
        place = f" ({where[-1]})" if where else ""
        text = (
            f"{name}() raised {type_name}: {message}" if message else f"{name}() raised {type_name}"
        )
        super().__init__(text + place)


class SubmissionTimeout(SubmissionFault):
    """A call ran past its deadline; the child was killed."""

    status = "timeout"


class SubmissionDied(SubmissionFault):
    """The child ended, or was stopped, while it was serving a check."""


class ImportFailed(SubmissionFault):
    """The submission could not be imported: it raised, exited or hung at import."""


@dataclass
class Line:
    """One line the submission printed, and when the trusted side received it."""

    at: float
    text: str


@dataclass
class Call:
    """What the trusted side saw of one call: its value, times and output."""

    name: str
    started: float
    ended: float = 0.0
    value: Any = None
    lines: list[Line] = field(default_factory=list)
    done_at: float | None = None  # when the coroutine itself finished (before loop clean-up)
    pending: int | None = None  # tasks still pending on its loop at that moment
    stall: float | None = None  # the longest its event loop left a ping unanswered
    loops: list[dict[str, bool]] = field(default_factory=list)
    runners: int = 0
    stderr: str = ""  # what it wrote to stderr (warnings, tracebacks), capped
    returned_at: float | None = None  # `in_loop` calls: when the plain function returned
    returned: dict[str, Any] = field(default_factory=dict)  # ...and what: type, pending future

    @property
    def elapsed(self) -> float:
        return (self.done_at if self.done_at is not None else self.ended) - self.started

    @property
    def output(self) -> list[str]:
        return [line.text for line in self.lines]

    def line_times(self) -> list[tuple[float, str]]:
        """Each printed line with its arrival time, in seconds since the call started."""
        return [(line.at - self.started, line.text) for line in self.lines]


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

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path.resolve()
        self.limits = limits
        self.functions: dict[str, str] = {}
        self.fault: SubmissionFault | None = None
        self.stderr = bytearray()
        self.lines: list[Line] = []
        self._output_bytes = 0
        self._partial = b""
        self._inbox = b""
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ready: asyncio.Future[dict[str, Any]] | None = None
        self._callables: dict[int, Callable[..., Any]] = {}
        self._callable_ids: dict[int, int] = {}
        self._callbacks: dict[int, asyncio.Task[None]] = {}
        self._pings: dict[int, float] = {}
        self._current: Call | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._transports: list[asyncio.BaseTransport] = []
        self._writer: asyncio.WriteTransport | None = None
        self._stdout_fd = -1
        self._token = secrets.token_hex(12)
        self._workdir = ""
        self._closed = False
        self._importing = True
        self._watcher: asyncio.Task[None] | None = None

    # -- life cycle -------------------------------------------------------

    async def start(self) -> None:
        """Start the child and wait until the submission is imported."""
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._workdir = tempfile.mkdtemp(prefix="grader-child-")
        out_r, out_w = os.pipe()
        in_r, in_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        settings = {
            "out": out_w,
            "in": in_r,
            "submission": str(self.path),
            "limits": self.limits.for_child(),
        }
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": self._workdir,
            "TMPDIR": self._workdir,
            "GRADER_SANDBOX": self._token,
        }
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-I",
                "-B",  # importing a submission must not write bytecode into its folder
                "-c",
                _BOOT,
                json.dumps(settings),
                _PACKAGE_ROOT,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=stdout_w,
                stderr=stderr_w,
                pass_fds=(out_w, in_r),
                cwd=self._workdir,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            for fd in (out_r, in_w, stdout_r, stderr_r):
                os.close(fd)
            raise
        finally:
            for fd in (out_w, in_r, stdout_w, stderr_w):
                os.close(fd)
        process = self._process
        # Our own protocols on the output pipes, so each chunk is timestamped as
        # it is read rather than when a check gets round to it.
        self._stdout_fd = stdout_r
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
        self._watcher = loop.create_task(self._watch(process))
        try:
            ready = await asyncio.wait_for(asyncio.shield(self._ready), self.limits.import_timeout)
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
        except ImportFailed:
            await self.close()
            raise
        except SubmissionFault as fault:  # it exited, crashed or flooded while importing
            await self.close()
            raise ImportFailed(str(fault)) from None
        self._importing = False
        self.functions = dict(ready.get("functions", {}))

    def kill_now(self) -> None:
        """Kill the child without an event loop (its loop may be closed already)."""
        if self._closed:
            return
        self._closed = True
        if self._process is not None:
            for _ in range(200):
                if not _kill_round(self._process.pid, self._token):
                    break
                time.sleep(0.005)
        shutil.rmtree(self._workdir, ignore_errors=True)

    async def close(self) -> None:
        """Kill the child and everything it started; return when none of it is left."""
        if self._closed:
            return
        self._closed = True
        self._fail(SubmissionDied("the sandbox was closed"))
        for task in list(self._callbacks.values()):
            task.cancel()
        if self._process is not None:
            await _kill_all(self._process, self._token)
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        for transport in self._transports:
            transport.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self._workdir, ignore_errors=True)

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
            "op": "call",
            "id": call_id,
            "name": name,
            "args": encode(list(args), self._register),
            "kwargs": encode(dict(kwargs), self._register),
            "in_loop": in_loop,
        }
        record = Call(name=name, started=now())
        self._current = record
        self._pings.clear()
        first_line, first_error = len(self.lines), len(self.stderr)
        self._send(message)
        looped = in_loop or self.functions.get(name) == "async"
        pinger = loop.create_task(self._ping(record)) if looped else None
        try:
            reply = await asyncio.wait_for(future, deadline)
        except TimeoutError:
            record.ended = now()
            await self.close()
            raise SubmissionTimeout(
                f"{name}() did not finish within {deadline:g} s (stopped after "
                f"{record.ended - record.started:.2f} s)"
            ) from None
        finally:
            self._pending.pop(call_id, None)
            if pinger is not None:
                pinger.cancel()
        record.ended = now()
        await self._drain_stdout()
        record.lines = self.lines[first_line:]
        record.stderr = self.stderr[first_error:].decode("utf-8", "replace")
        record.stall = self._stall(record) if pinger is not None else None
        record.loops = list(reply.get("loops", []))
        record.runners = int(reply.get("runners", 0))
        if reply["op"] == "undefined":
            raise SubmissionFault(f"your file does not define {name}()")
        if reply["op"] == "raise" and reply["type"] == "SystemExit":
            code = reply.get("message") or "0"
            raise SubmissionDied(f"your program exited during the check (sys.exit({code}))")
        if reply["op"] == "raise" and reply["type"] == "MemoryError":
            raise SubmissionDied(
                f"your program ran out of memory during the check "
                f"(the limit is {self.limits.memory_mb} MB)"
            )
        if reply["op"] == "raise":
            raise SubmissionRaised(
                name, reply["type"], reply["message"], reply.get("where", []), record
            )
        if "oversize" in reply:
            raise SubmissionFault(f"{name}() returned a value too large to grade")
        record.value = decode(reply.get("value"))
        return record

    def _register(self, value: Any) -> Ref | None:
        """Give a check's callable a number the child can call it by."""
        from grader.checks.submission import (
            Made,  # proxy builds on sandbox, not the other way round
        )

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
        self._inbox += data
        while b"\n" in self._inbox:
            line, self._inbox = self._inbox.split(b"\n", 1)
            self._on_message(line, at)
        if len(self._inbox) > MAX_MESSAGE:
            self._fail(SubmissionDied("your program sent the grader more data than it accepts"))

    def _on_message(self, line: bytes, at: float) -> None:
        try:
            message = loads(line)
            op = message.get("op")
            if op == "pong":
                self._on_pong(int(message["seq"]), at)
            elif op == "ready" and self._ready is not None and not self._ready.done():
                self._ready.set_result(message)
            elif op == "import_failed":
                self._fail(ImportFailed(_import_failure(message)))
            elif op in ("return", "raise", "undefined"):
                future = self._pending.get(int(message["id"]))
                if future is not None and not future.done():
                    future.set_result(message)
            elif op == "returned":
                if self._current is not None:
                    self._current.returned_at = at
                    self._current.returned = {k: v for k, v in message.items() if k != "op"}
            elif op == "done":
                if self._current is not None:
                    self._current.done_at = at
                    self._current.pending = int(message.get("pending", 0))
            elif op == "callback":
                self._on_callback(message)
            elif op == "cancel":
                task = self._callbacks.pop(int(message["id"]), None)
                if task is not None:
                    task.cancel()
            elif op == "exit":
                self._fail(SubmissionDied(self._exit_text(int(message["code"]))))
        except (ValueError, KeyError, TypeError):
            self._fail(SubmissionDied("your program sent the grader a message it cannot read"))

    def _on_callback(self, message: dict[str, Any]) -> None:
        call_id = int(message["id"])
        fn = self._callables.get(int(message["fn"]))
        if fn is None:
            raise KeyError("no such callable")
        args = decode(message.get("args", []))
        kwargs = decode(message.get("kwargs", {}))
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise TypeError("bad arguments")
        self._callbacks[call_id] = asyncio.get_running_loop().create_task(
            self._serve_callback(call_id, fn, args, kwargs)
        )

    async def _serve_callback(
        self, call_id: int, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        try:
            if self._is_async(fn):
                value = await fn(*args, **kwargs)
            else:
                # Plain callables may block (a slow `write`); threads keep them
                # from stalling the trusted loop and from queueing behind each other.
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="callback")
                loop = asyncio.get_running_loop()
                value = await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))
        except asyncio.CancelledError:
            return
        except Exception as exc:
            error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
            if all(a is None or isinstance(a, str | int | float) for a in exc.args):
                error["args"] = list(
                    exc.args
                )  # rebuilt as they were: KeyError('x'), OSError(28, ..)
            reply = {"op": "reply", "id": call_id, "error": error}
        else:
            reply = {"op": "reply", "id": call_id, "value": encode(value)}
        finally:
            self._callbacks.pop(call_id, None)
        self._send(reply)

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

    async def _watch(self, process: asyncio.subprocess.Process) -> None:
        code = await process.wait()
        # Give the keeper's own report (it knows how the server ended) a moment to land.
        await asyncio.sleep(0.05)
        if code < 0:
            self._fail(SubmissionDied("your program killed its parent process"))
        else:
            self._fail(SubmissionDied(self._exit_text(None)))

    def _exit_text(self, code: int | None) -> str:
        during = "while being imported" if self._importing else "during the check"
        if code is None or code >= 0:
            tail = f" (exit code {code})" if code else ""
            return f"your program exited {during}{tail}"
        sig = -code
        if sig == signal.SIGXCPU:
            return f"your program used more than {self.limits.cpu_seconds} s of CPU time {during}"
        if sig == signal.SIGKILL:
            return f"your program was killed {during} (out of memory, or too much CPU time)"
        if sig == signal.SIGSEGV:
            return f"your program crashed {during} (segmentation fault)"
        return f"your program was stopped {during} by signal {signal.Signals(sig).name}"

    def _fail(self, fault: SubmissionFault) -> None:
        """Record the first thing that went wrong and end every wait on the child."""
        if self.fault is None:
            self.fault = fault
        for future in list(self._pending.values()):
            if not future.done():
                future.set_exception(self.fault)
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(self.fault)
        if not self._closed and self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)

    # -- loop responsiveness ---------------------------------------------

    async def _ping(self, record: Call) -> None:
        for seq in itertools.count(1):
            self._pings[seq] = now()
            self._send({"op": "ping", "seq": seq})
            await asyncio.sleep(_PING_EVERY)

    def _on_pong(self, seq: int, at: float) -> None:
        sent = self._pings.get(seq)
        if sent is not None:
            self._pings[seq] = -(at - sent)  # negative: answered, with its latency

    def _stall(self, record: Call) -> float:
        """The longest a ping waited for the submission's loop during the call."""
        end = record.done_at if record.done_at is not None else record.ended
        answered = [seq for seq, value in self._pings.items() if value <= 0]
        if not answered:
            return end - record.started
        first = min(answered)
        worst = 0.0
        for seq, value in self._pings.items():
            if value <= 0:
                worst = max(worst, -value)
            elif seq > first and value < end:
                worst = max(worst, end - value)  # sent after the loop was up, never answered
        return worst

    # -- plumbing ---------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        if self._writer is not None and not self._writer.is_closing():
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


def _unread(fd: int) -> int:
    try:
        raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    except OSError:
        return 0
    return int(struct.unpack("i", raw)[0])


def _import_failure(message: dict[str, Any]) -> str:
    kind = str(message.get("type", "Exception"))
    detail = str(message.get("message", ""))
    where = message.get("where") or []
    place = f" ({where[-1]})" if where else ""
    if kind == "SystemExit":
        return f"your program exited while being imported{place}"
    if kind == "EOFError":
        return (
            f"your program tried to read input while being imported{place}; "
            "the grader gives no input"
        )
    if kind in ("SyntaxError", "IndentationError", "TabError"):
        return f"your file has a syntax error: {detail}{place}"
    return f"your file raised {kind} while being imported: {detail}{place}"


async def _kill_all(process: asyncio.subprocess.Process, token: str) -> None:
    """SIGKILL the child's process group and any escapee, and wait until none is left."""
    for attempt in range(200):
        left = _kill_round(process.pid, token)
        if process.returncode is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 0.5)
        if not left and process.returncode is not None:
            return
        await asyncio.sleep(0.005 * min(attempt + 1, 10))


def _kill_round(group: int, token: str) -> bool:
    """SIGKILL the group and every survivor found; whether any was found."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
    left = _survivors(group, token)
    for pid in left:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return bool(left)


def _survivors(group: int, token: str) -> list[int]:
    """Live processes of the child's group, or carrying its token in their environment."""
    mark = f"GRADER_SANDBOX={token}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if fields[0] == b"Z":
                continue  # already dead, waiting to be reaped by its parent
            if int(fields[2]) == group:
                found.append(int(entry))
                continue
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if mark in environ.read():
                    found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


__all__ = [
    "Call",
    "ImportFailed",
    "Limits",
    "Line",
    "Opaque",
    "Sandbox",
    "SubmissionDied",
    "SubmissionFault",
    "SubmissionRaised",
    "SubmissionTimeout",
]
