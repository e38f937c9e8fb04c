"""What the trusted side observes of one child, from outside its process.

Built on `grader.sandbox.observation` (the kernel's word on every thread,
process and loop the child starts, and looks at the thread running a call)
and `grader.sandbox.load` (what the child's threads waited for a CPU); this
module holds them for one child and adds the loop probe: pings sent through
the call's event loop, which measure a loop that cannot be watched and wake
one that waits in its poll for anything but its work.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
from collections.abc import Callable
from typing import Any

from grader.clock import now
from grader.sandbox import boot, cgroup, load, observation, wire
from grader.sandbox.faults import SubmissionDied
from grader.sandbox.observation import Facet, Observation, Watcher
from grader.sandbox.observation.listener import MOST
from grader.sandbox.observation.records import Handled
from grader.sandbox.records import Call
from grader.sandbox.wire import Op

_PING_EVERY = 0.02
#: A ping left waiting this long marks its stretch as blocked, in the call's timeline.
BLOCKED = 0.05
#: The longest the grader waits, after a call's answer, for the child to be idle.
_SETTLE = 1.0


class Witness:
    """One child, as the grader sees it from outside: its watcher, its load, its loop."""

    def __init__(self) -> None:
        self.watcher: Watcher | None = None  # what the grader sees of the child from outside
        self.probe = LoopProbe()
        self._server_pid = 0  # the child's server, as the kernel named it (0: not known)
        self._waits_began = load.Reading(0.0, 0.0)  # the load meter when the call was sent

    async def attach(
        self,
        channel: socket.socket,
        *,
        observe: bool,
        nudge: bool,
        written: Callable[[], int],
        fail: Callable[[SubmissionDied], None],
        group: cgroup.Group | None = None,
    ) -> None:
        """Watch the child from outside: its listener, and its server's pid as the kernel says.

        The child installs the observer's filter and sends its listener before
        the submission is imported, so everything the submission starts is seen.
        `written` says how many bytes of messages the child has written so far;
        `group` is the check's control group, which counts the CPU its processes use.
        """
        watcher = self.watcher = observation.watcher()
        if not observe:
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
        watcher.attach(fds[0], pid, written, boot.FD_IN)
        self._server_pid = pid
        # Its waits for a CPU explain its checks' late times; the CPU it uses does not.
        load.METER.watch(pid, group)
        watcher.nudge = nudge
        loop = asyncio.get_running_loop()
        flood = SubmissionDied(
            f"your program started more than {MOST} threads, processes or event loops, so the "
            "grader stopped it"
        )
        watcher.on_flood = lambda: _call_soon(loop, fail, flood)

    def begin(self, *, looped: bool) -> None:
        """A call is about to be sent (`looped`: it runs in an event loop of the child's)."""
        self.probe.clear()
        if self.watcher is not None:
            self.watcher.begin(own_loop=looped)
        self._waits_began = load.METER.reading()

    async def settled(self, replied: float, deadline: float) -> float:
        """When the call was over: its answer, or later, once the child was seen idle.

        The answer is the child's word: one sent early, while its work goes on,
        would make a slow call look quick. A call is over once every thread of
        the child waits, with no timeout, for someone else (`Watcher.idle`):
        an honest child is, within a millisecond of its answer.
        """
        watcher = self.watcher
        if watcher is None or not watcher.attached:
            return replied
        give_up = replied + min(deadline, _SETTLE)
        settled = replied
        while not watcher.idle():
            settled = now()  # seen at work after its answer: the call lasted at least until now
            if settled >= give_up:
                break
            await asyncio.sleep(0.001)
        return settled

    def end(
        self, *, looped: bool, replied: int | None, handled: list[Handled]
    ) -> Observation | None:
        """What the grader saw of the call that just ended, from outside the child."""
        # What load cost the call, read before the child may be killed: a late time of it
        # is weighed against this (`grader.grading.retries`).
        load.METER.spent_in_call(self._waits_began)
        if self.watcher is None:
            return None
        return self.watcher.end(own_loop=looped, replied=replied, handled=handled)

    def forget_load(self) -> None:
        """Keep what the child's threads waited for a CPU; read before it is killed."""
        if self._server_pid:
            load.METER.forget(self._server_pid)
            self._server_pid = 0

    def close(self) -> None:
        """Stop watching the child (its processes are being killed)."""
        self.forget_load()
        if self.watcher is not None:
            self.watcher.close()


class LoopProbe:
    """Pings through the call's event loop, and when each was answered, on the trusted clock."""

    def __init__(self) -> None:
        self._pings: dict[int, float] = {}  # ping -> when it was sent
        self._pongs: dict[int, float] = {}  # ping -> when its answer arrived

    def clear(self) -> None:
        """Forget the last call's pings."""
        self._pings.clear()
        self._pongs.clear()

    async def run(self, send: Callable[[dict[str, Any]], None]) -> None:
        """Ping the call's loop every _PING_EVERY until cancelled.

        Where the loop's thread is not watched, the answers measure the loop.
        Where it is, a ping is a probe: a loop that waits in its epoll for
        anything but the loop's work (a sleep in the loop's own poll, say)
        is woken by it, and must take it off the pipe or be seen spinning.
        """
        for seq in itertools.count(1):
            self._pings[seq] = now()
            send({"op": Op.PING, "seq": seq})
            await asyncio.sleep(_PING_EVERY)

    def on_pong(self, seq: int, at: float) -> None:
        """The loop answered ping `seq` at `at`."""
        if seq in self._pings:
            self._pongs[seq] = at

    def waits(self, record: Call) -> list[tuple[float, float]]:
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


def stall(waits: list[tuple[float, float]]) -> float:
    """The longest a ping waited for the submission's loop during the call."""
    return max((answered - sent for sent, answered in waits), default=0.0)


def blocked(waits: list[tuple[float, float]]) -> list[tuple[float, float]]:
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


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    """`fn(*args)` on `loop`, from another thread; nothing if the loop is closed."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(fn, *args)
