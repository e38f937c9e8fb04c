"""One child that runs a submission for a check, as the trusted side holds it.

The child is a fork of the zygote (`grader.sandbox.forkserver`), inside the
isolation; it imports the submission, then serves calls. Only JSON crosses,
on two pipes of its own (`grader.sandbox.wire`); the submission's stdout
and stderr are separate pipes, read here and timestamped on arrival with the
trusted clock. Callables a check passes in run here when the child calls
them. The child is watched from outside (`grader.sandbox.observation`);
where its loop's thread cannot be, the loop is pinged from here during async
calls, so a blocked loop is still measured by the trusted clock.

`Sandbox` ties the parts together, each in a module of its own:

- `spawner`: the child's pipes, sockets and order to the zygote;
- `channel`: the pipes as the event loop reads and writes them;
- `router`: what the child says, framed and routed by op (`_handlers`);
- `output`: what it prints, line by line, on the trusted clock;
- `callbacks`: the check's callables it calls;
- `witness`: what the grader observes of it from outside, and the loop probe.

When the child is done with, or misbehaves, the zygote kills it with
everything it started; `close` returns only when none of it is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.clock import now
from grader.sandbox import boot, cgroup, faults, spawner, witness
from grader.sandbox.callbacks import Callbacks
from grader.sandbox.channel import Channel, unread
from grader.sandbox.codec import decode, encode
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
from grader.sandbox.limits import Limits
from grader.sandbox.observation import Observation
from grader.sandbox.output import Output
from grader.sandbox.records import Call, Line
from grader.sandbox.router import Handler, Router
from grader.sandbox.source import Source
from grader.sandbox.wire import Op
from grader.sandbox.witness import Witness

#: The most a submission may hold, read into its child.
MAX_SUBMISSION = 1024 * 1024
#: How long a kill may take before the grader gives up waiting on it.
_KILL_WAIT = 30.0
#: How often the trusted side reads the check's control group for processes killed for memory.
_MEMORY_EVERY = 0.02
#: The most calls of the check's callables one child may ask for: an honest check's are a few
#: hundred, and each costs the grader's loop a task (and a thread's turn, for a plain one).
MAX_CALLBACKS = 10_000


@dataclass
class _Life:
    """Where the child is in its life, and what the grader holds of it to free."""

    id: int  # the fork server's name for it
    spawned: bool = False  # the fork server started it: it must be killed
    importing: bool = True  # until its import is done
    serving: bool = False  # SERVING came: the submission may write anything from here
    closed: bool = False
    group: cgroup.Group | None = None  # the check's control group, if it has one
    listener: socket.socket | None = None  # where the child's test server listens


@dataclass
class _Calls:
    """The answers the grader waits for: the child's READY, and each call's."""

    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    pending: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    ready: asyncio.Future[dict[str, Any]] | None = None
    current: Call | None = None  # the call now running
    current_id: int = 0
    replied: int | None = None  # where the current call's answer ended, in the bytes parsed
    asked: int = 0  # calls of the check's callables the child asked for, against MAX_CALLBACKS

    def is_current(self, message: dict[str, Any]) -> bool:
        """Whether a message names the call now running (a DONE of another is a forgery)."""
        return message.get("id") == self.current_id

    def fail(self, fault: BaseException) -> None:
        """End every wait with `fault`."""
        for future in list(self.pending.values()):
            if not future.done():
                future.set_exception(fault)
        if self.ready is not None and not self.ready.done():
            self.ready.set_exception(fault)


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
        self._life = _Life(forkserver.next_id())
        self._calls = _Calls()
        self._channel = Channel(self._fail)
        self._output = Output(limits.output_kb, self._fail)
        self._callbacks = Callbacks(self._channel.send)
        self._router = Router(self._handlers(), self._fail)
        self._witness = Witness()

    @property
    def id(self) -> int:
        """The fork server's name for the child."""
        return self._life.id

    @property
    def listener(self) -> socket.socket | None:
        """Where the child's test server listens (a check that serves HTTP asked for one)."""
        return self._life.listener

    @property
    def lines(self) -> list[Line]:
        """Every line the child printed, with when the grader received it."""
        return self._output.lines

    # -- life cycle -------------------------------------------------------

    async def start(self) -> None:
        """Start the child and wait until the submission is imported."""
        loop = asyncio.get_running_loop()
        ready = self._calls.ready = loop.create_future()
        # Its failure is raised from `start` when someone waits; a spare no one took is fine.
        ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        content = self.path.read_bytes()
        if len(content) > MAX_SUBMISSION:
            raise ImportFailed(
                f"your file is larger than {MAX_SUBMISSION // 1024} KiB; the grader takes "
                "one Python file of reasonable size"
            )
        self.source = Source.parse(content)
        uid = spawner.uid_for(self.forkserver)
        self._life.group, joins = spawner.make_group(self.limits)
        order = boot.Order(
            id=self.id, name=self.path.name, limits=self.limits.for_child(), uid=uid,
            listen=self.listen,
        )  # fmt: skip
        try:
            spawned, ends = spawner.spawn(
                self.forkserver, order, content, joins, self._on_keeper_ended
            )
        except BaseException:
            if self._life.group is not None:
                self._life.group.remove()
            raise
        self._life.spawned = True
        self._life.listener = ends.listener
        await self._connect(ends)
        try:
            answer = await asyncio.wait_for(self._boot(spawned, ends), self.limits.import_timeout)
        except BaseException as error:
            await self.close()
            raise _import_error(error, self.limits.import_timeout) from None
        finally:
            ends.close_sockets()
        self._life.importing = False
        claimed = answer.get("functions")
        self.functions = self.source.functions(dict(claimed) if isinstance(claimed, dict) else {})

    async def _connect(self, ends: spawner.Ends) -> None:
        """Read the child's pipes and write to it; watch its memory while it lives."""
        self._output.stdout_fd = ends.stdout
        self._channel.out_fd = ends.messages
        if self._life.group is not None:
            asyncio.get_running_loop().call_later(_MEMORY_EVERY, self._watch_memory)
        await self._channel.connect(
            [
                (ends.stdout, self._output.on_stdout, lambda: None),
                (ends.stderr, self._output.on_stderr, lambda: None),
                (ends.messages, self._router.on_bytes, self._on_channel_closed),
            ],
            ends.orders,
        )

    async def _boot(self, spawned: Future[Any], ends: spawner.Ends) -> dict[str, Any]:
        """The child's start: the zygote forked it, it handed over its listeners, it imported."""
        assert self._calls.ready is not None
        # Shielded: giving up on this start must not cancel the fork server's own record.
        await asyncio.shield(asyncio.wrap_future(spawned))
        await self._witness.attach(
            ends.observing, observe=self.forkserver.observe, nudge=self.forkserver.diagnose,
            written=self._written, fail=self._fail, group=self._life.group,
        )  # fmt: skip
        if ends.handoff is not None:
            self._life.listener = await asyncio.to_thread(spawner.receive_listener, ends.handoff)
        return await asyncio.shield(self._calls.ready)

    def _written(self) -> int:
        """Bytes of messages the child has written so far: those read, and those in the pipe."""
        return self._router.received + unread(self._channel.out_fd)

    def kill_now(self) -> None:
        """Kill the child without an event loop (its loop may be closed already)."""
        if self._life.closed:
            return
        self._life.closed = True
        self._witness.close()
        if self._life.spawned:
            with contextlib.suppress(Exception):
                self.forkserver.kill(self.id).result(timeout=_KILL_WAIT)
            self.forkserver.release(self.id)
        if self._life.group is not None:
            self._life.group.remove()
        self._drop_listener()

    async def close(self, *, wait: bool = True) -> None:
        """Kill the child and everything it started; return when none of it is left.

        Without `wait`, return as soon as the kill is asked for: the child is
        beyond reach of the next one already (it is SIGKILLed at once), and
        `ForkServer.settle` waits for all such kills together.
        """
        if self._life.closed:
            return
        self._life.closed = True
        self._witness.forget_load()
        self._fail(SubmissionDied("the sandbox was closed"))
        self._witness.close()
        self._callbacks.cancel()
        try:
            if self._life.spawned and not wait:
                self.forkserver.kill(self.id)
            elif self._life.spawned:
                gone = asyncio.wrap_future(self.forkserver.kill(self.id))
                try:
                    await asyncio.wait_for(asyncio.shield(gone), _KILL_WAIT)
                except TimeoutError:
                    raise SandboxFailed(
                        f"the sandbox did not end a child within {_KILL_WAIT:g} s"
                    ) from None
                self.forkserver.release(self.id)
        finally:
            self._channel.close()
            self._callbacks.shutdown()
            if self._life.group is not None:
                self._life.group.remove()  # now, or once its processes are gone (`wait=False`)
            self._drop_listener()

    def _drop_listener(self) -> None:
        if self._life.listener is not None:
            self._life.listener.close()
            self._life.listener = None

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
        calls = self._calls
        call_id = next(calls.ids)
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        calls.pending[call_id] = future
        message = {
            "op": Op.CALL,
            "id": call_id,
            "name": name,
            "args": encode(list(args), self._callbacks.register),
            "kwargs": encode(dict(kwargs), self._callbacks.register),
            "in_loop": in_loop,
        }
        record = Call(name=name, started=now())
        calls.current, calls.current_id, calls.replied = record, call_id, None
        self._callbacks.handled = []
        mark = self._output.mark()
        looped = in_loop or self.functions.get(name) == "async"
        self._witness.begin(looped=looped)
        self._channel.send(message)
        pinger = loop.create_task(self._witness.probe.run(self._channel.send)) if looped else None
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
            calls.pending.pop(call_id, None)
            if pinger is not None:
                pinger.cancel()
        record.ended = await self._settled(now(), deadline)
        record.observed = self._watched(looped)
        await self._output.drain()
        record.lines, record.stderr = self._output.since(mark)
        self._note_probe(record, probed=pinger is not None)
        _note_said(record, reply)
        record.said.callers = [(h.name, h.thread) for h in self._callbacks.handled]
        return _answer(name, reply, record, self.limits.memory_mb)

    async def _settled(self, replied: float, deadline: float) -> float:
        """When the call was over: its answer, or once the child was seen idle after it."""
        if self.fault is not None:
            return replied
        return await self._witness.settled(replied, deadline)

    def _watched(self, looped: bool) -> Observation | None:
        """What the grader saw of the call that just ended, from outside the child."""
        return self._witness.end(
            looped=looped, replied=self._calls.replied, handled=self._callbacks.handled
        )

    def _note_probe(self, record: Call, *, probed: bool) -> None:
        """The call's loop, as the pings measured it (calls without a loop: nothing)."""
        waits = self._witness.probe.waits(record) if probed else None
        record.stall = witness.stall(waits) if waits is not None else None
        record.blocked = witness.blocked(waits) if waits is not None else []

    # -- what the child says ----------------------------------------------

    def _handlers(self) -> dict[Op, Handler]:
        """Every message the trusted side answers to, by op."""
        return {
            Op.PONG: lambda message, at: self._witness.probe.on_pong(int(message["seq"]), at),
            Op.READY: self._on_ready,
            Op.IMPORT_FAILED: self._on_import_failed,
            Op.RETURN: self._on_reply,
            Op.RAISE: self._on_reply,
            Op.UNDEFINED: self._on_reply,
            Op.RETURNED: self._on_returned,
            Op.DONE: self._on_done,
            Op.CALLBACK: self._on_callback,
            Op.CANCEL: lambda message, at: self._callbacks.on_cancel(int(message["id"])),
            Op.EXIT: self._on_exit,
            Op.SERVING: self._on_serving,
            Op.FAILED: self._on_failed,
        }

    def _on_ready(self, message: dict[str, Any], at: float) -> None:
        ready = self._calls.ready
        if ready is not None and not ready.done():
            ready.set_result(message)

    def _on_import_failed(self, message: dict[str, Any], at: float) -> None:
        self._fail(ImportFailed(faults.import_failure(message, self.limits.memory_mb)))

    def _on_reply(self, message: dict[str, Any], at: float) -> None:
        """A call's answer: it returned, raised, or named no function."""
        future = self._calls.pending.get(int(message["id"]))
        if future is not None and not future.done():
            self._calls.replied = self._router.parsed
            future.set_result(message)

    def _on_returned(self, message: dict[str, Any], at: float) -> None:
        """A plain function called in the loop returned: the first word of it counts."""
        current = self._calls.current
        if current is not None and current.returned_at is None and self._calls.is_current(message):
            current.said.returned_at = at
            current.said.returned = {k: v for k, v in message.items() if k != "op"}

    def _on_done(self, message: dict[str, Any], at: float) -> None:
        """The call's coroutine finished, the child says: the first word of it counts."""
        current = self._calls.current
        if current is not None and current.done_at is None and self._calls.is_current(message):
            current.said.done_at = at
            # What the child says is pending is a claim; an async callable it still
            # awaits is a task pending, whatever it says.
            claimed = int(message.get("pending", 0))
            current.said.pending = max(claimed, len(self._callbacks.open_async))

    def _on_callback(self, message: dict[str, Any], at: float) -> None:
        self._calls.asked += 1
        if self._calls.asked > MAX_CALLBACKS:
            if self._calls.asked == MAX_CALLBACKS + 1:  # said once; what follows is ignored
                self._fail(
                    SubmissionDied(
                        f"your program called the check's functions more than {MAX_CALLBACKS} "
                        "times, so the grader stopped it"
                    )
                )
            return
        if self._calls.current is not None:
            self._calls.current.asked_at = at
        self._callbacks.on_callback(message, self._router.parsed)

    def _on_exit(self, message: dict[str, Any], at: float) -> None:
        self._fail(SubmissionDied(self._exit_text(int(message["code"]))))

    def _on_serving(self, message: dict[str, Any], at: float) -> None:
        self._life.serving = True

    def _on_failed(self, message: dict[str, Any], at: float) -> None:
        if self._life.serving:
            # Only the child's set-up says FAILED, before SERVING: after it, the
            # submission wrote it, and a forged grader failure would leave no report.
            self._fail(
                SubmissionDied("your program sent the grader a message only the sandbox may send")
            )
        else:
            self._fail(SandboxFailed(f"the sandbox could not start a child: {message['reason']}"))

    def _on_channel_closed(self) -> None:
        self._fail(SubmissionDied(self._exit_text(None)))

    def _on_keeper_ended(self, code: int | None) -> None:
        """From the fork server's thread: the child's keeper ended before it was killed."""
        loop = self._calls.ready.get_loop() if self._calls.ready is not None else None
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
            code, importing=self._life.importing, cpu_seconds=self.limits.cpu_seconds
        )

    def _fail(self, fault: SubmissionFault | SandboxFailed) -> None:
        """Record the first thing that went wrong and end every wait on the child."""
        if self.fault is None:
            # A process the kernel killed for memory explains whatever followed (an exit,
            # a parent gone, a pipe closed, a deadline missed waiting for it).
            self.fault = self._memory_fault() or fault
        self._calls.fail(self.fault)
        if not self._life.closed and self._life.spawned:
            self.forkserver.kill(self.id)  # stop it now; `close` waits until it is gone

    def _memory_fault(self) -> SubmissionDied | None:
        """Why the child ends if the kernel killed one of its processes for memory, else None."""
        group = self._life.group
        if group is None or group.oom_kills() == 0:
            return None
        return SubmissionDied(
            faults.memory_text(self.limits.memory_mb, importing=self._life.importing)
        )

    def _watch_memory(self) -> None:
        """While the child lives: stop all of it at the first process killed for memory."""
        if self._life.closed or self.fault is not None:
            return
        fault = self._memory_fault()
        if fault is not None:
            self._fail(fault)
        else:
            asyncio.get_running_loop().call_later(_MEMORY_EVERY, self._watch_memory)


def _import_error(error: BaseException, timeout: float) -> BaseException:
    """What `start` raises when the child did not get through its import."""
    if isinstance(error, TimeoutError):
        return ImportFailed(
            f"your file did not finish importing within {timeout:g} s; "
            "is there code at the top level that waits or loops forever? "
            'Put it under `if __name__ == "__main__":`'
        )
    if isinstance(error, SubmissionFault) and not isinstance(error, ImportFailed):
        return ImportFailed(str(error))  # it exited, crashed or flooded while importing
    return error


def _note_said(record: Call, reply: dict[str, Any]) -> None:
    """What the child says it saw during the call, as records (a claim: forged at most)."""
    said = record.said
    said.diagnostics = _records(reply.get("diagnostics"))
    said.blocked_lines = _records(reply.get("blocked"))
    said.loops = _records(reply.get("loops"))
    runners = reply.get("runners")
    said.runners = runners if isinstance(runners, int) else 0


def _answer(name: str, reply: dict[str, Any], record: Call, memory_mb: int) -> Call:
    """The call's record with its value, or the fault its answer stands for."""
    if reply["op"] == Op.UNDEFINED:
        raise Undefined(f"your file does not define {name}()")
    if reply["op"] == Op.RAISE:
        if reply["type"] == "SystemExit":
            code = reply.get("message") or "0"
            raise SubmissionDied(f"your program exited during the check (sys.exit({code}))")
        if reply["type"] == "MemoryError":
            raise SubmissionDied(faults.memory_text(memory_mb, importing=False))
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


def _records(value: object, most: int = 100) -> list[dict[str, Any]]:
    """What the child says it saw, as a list of records; anything else it sent counts as nothing.

    The child is the submission's process: whatever it reports may be forged or
    malformed, and must cost it at most what it says, never the grading.
    """
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)][:most]
