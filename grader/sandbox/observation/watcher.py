"""One child, as the grader sees it from outside: what it started, its loops, its loop's thread.

The child hands over its seccomp listener before the submission is
imported (`Sandbox` receives it with the server's pid, which the kernel
writes, not the child). From then on the `Listener` tells this watcher of
every thread, process and event loop the child makes, and during each call
the `Sampler` looks at the thread that runs the call. `end` sums a call up
as an `Observation`.

The call's event loop is the first epoll its thread made during the call
(the grader's child makes one per async call before the submission runs;
`event-loop`'s submission makes its own). The grader holds a copy of every
epoll the child made, so "waiting in the call's loop" is checked against the
very file (kcmp), whatever descriptor number the child gives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import select
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from grader.clock import now
from grader.sandbox.observation.listener import Listener
from grader.sandbox.observation.records import (
    Facet,
    Handled,
    Observation,
    Poll,
    Sample,
    Start,
    Started,
    State,
)
from grader.sandbox.observation.sampler import Sampler
from grader.sandbox.observation.summary import summarize, within
from grader.sandbox.observation.syscalls import name, numbers

_KCMP = {"x86_64": 312, "aarch64": 272}
_TGKILL = {"x86_64": 234, "aarch64": 131}
#: How long the loop's thread is seen held before it is asked which line it is on.
NUDGE_AFTER = 0.04
_KCMP_FILE = 0


@dataclass
class _Proc:
    """The child's server as the grader reads it in /proc."""

    files: tuple[int, int] | None = None  # the loop thread's syscall and schedstat
    threads: dict[int, int] = field(default_factory=dict)  # its other threads: their schedstat
    interpreter: list[tuple[int, int]] = field(default_factory=list)  # its own writable data
    reader: tuple[int, int] = (-1, -1)  # the read of the grader's pipe: the child's idle wait


@dataclass
class _Window:
    """The call being watched: from `Watcher.begin` to `Watcher.end`."""

    began: float | None = None
    loop: Poll | None = None  # the call's event loop's epoll
    samples: list[Sample] = field(default_factory=list)
    before: Sample | None = None  # a look just before the call was sent
    ready_began: int = 0
    ran_began: int = 0
    own_loop: bool = True  # the call's loop is the grader's child's
    first_began: float | None = None  # when the child's first call was sent: its import ended


class Watcher:
    """What the grader sees of one child from outside its process."""

    def __init__(self, listener: Listener, sampler: Sampler, missing: dict[Facet, str]) -> None:
        self.listener = listener
        self.sampler = sampler
        self.missing = dict(missing)  # what cannot be observed of this child, and why
        self.pid = 0
        self._lock = threading.Lock()
        self._fd = -1
        self._proc = _Proc()
        self._starts: list[Started] = []
        self._polls: list[Poll] = []
        self._call = _Window()
        self._written: Callable[[], int] = lambda: 0
        self.nudge = False  # signal the loop's thread when it is held (for the line it is on)
        self.on_flood: Callable[[], None] | None = None  # told (on the listener's thread)
        self._held_since: float | None = None
        self._nudged = 0.0

    # -- set-up and clean-up (the grader's event loop) -------------------------------------

    def attach(self, fd: int, pid: int, written: Callable[[], int], reads: int) -> None:
        """The child's listener (this watcher owns it now) and its server's pid, as we see it.

        `written` says how many bytes the child has written to the grader so
        far, read or not: which looks came after a call's answer. `reads` is
        the descriptor of the grader's pipe, whose read is the child's idle
        wait between calls.
        """
        self.pid = pid
        self._fd = fd
        self._written = written
        self._proc.reader = (_syscall("read"), reads)
        self._proc.interpreter = _interpreter_data(pid)
        self.listener.add(fd, self)
        try:
            task = f"/proc/{pid}/task/{pid}"
            syscall = os.open(f"{task}/syscall", os.O_RDONLY | os.O_CLOEXEC)
            schedstat = os.open(f"{task}/schedstat", os.O_RDONLY | os.O_CLOEXEC)
            os.pread(syscall, 256, 0)  # reading it needs the right to trace the child
        except OSError as error:
            why = f"/proc of the child cannot be read ({error.strerror})"
            self.missing[Facet.LOOP_THREAD] = why
            return
        self._proc.files = (syscall, schedstat)

    def close(self) -> None:
        """Forget the child: its listener, its files, the copies of its loops."""
        self.sampler.remove(self)
        if self._fd >= 0:
            self.listener.remove(self._fd)
            self._fd = -1
        if self._proc.files is not None:
            for fd in self._proc.files:
                os.close(fd)
            self._proc.files = None
        for fd in self._proc.threads.values():
            os.close(fd)
        self._proc.threads.clear()
        with self._lock:
            polls, self._polls, self._call.loop = self._polls, [], None
        for poll in polls:
            if poll.ours is not None:
                poll.ours.close()

    @property
    def attached(self) -> bool:
        return self._fd >= 0

    # -- calls (the grader's event loop) -----------------------------------------------------

    def begin(self, *, own_loop: bool = True) -> None:
        """A call is about to be sent: watch its loop's thread until `end`.

        `own_loop`: the grader's child makes the call's loop (an async call), which
        listens to the grader's pipe; a plain call's loop is the submission's own.
        """
        before = self._sample()
        with self._lock:
            self._call.began = now()
            if self._call.first_began is None:
                self._call.first_began = self._call.began  # what started before: the import's
            self._call.own_loop = own_loop
            self._call.loop = None
            self._call.samples = []
            self._call.before = before
            self._call.ready_began = before.ready if before is not None else 0
            self._call.ran_began = self._ran()
        if self._proc.files is not None:
            self.sampler.add(self)

    def end(
        self, *, own_loop: bool, replied: int | None = None, handled: Sequence[Handled] = ()
    ) -> Observation:
        """The call's answer came: what it showed.

        `own_loop`: the grader's child made the call's loop. `replied`: how
        many bytes the child had written once its answer was complete.
        `handled`: the grader's plain callables the call waited on.
        """
        self.sampler.remove(self)
        ended = now()
        ready_ended = self._ready()
        ran = (self._ran() - self._call.ran_began) / 1e9 if self._proc.files is not None else 0.0
        with self._lock:
            began = self._call.began if self._call.began is not None else ended
            first = self._call.first_began if self._call.first_began is not None else began
            self._call.began = None
            samples = within(self._call.samples, self._call.before, replied, self._proc.reader[1])
            starts = list(self._starts)
            polls = [p for p in self._polls if p.at >= began]
        if not self.attached:
            return Observation(missing=dict(self.missing))
        made = len(polls) - (1 if own_loop and any(p.main for p in polls) else 0)
        observation = summarize(
            samples,
            began=began,
            ended=ended,
            ready=(self._call.ready_began, ready_ended) if self._proc.files is not None else None,
            cpu=ran,
            started=[s for s in starts if s.at >= began],
            earlier=[s for s in starts if s.at < began],
            loops=max(0, made),
            loops_open=self._open_loops(),
            handled=handled,
            missing=self.missing,
        )
        observation.imported = [s for s in starts if s.at < first]
        return observation

    # -- the listener's thread -----------------------------------------------------------------

    def started(self, at: float, kind: Start) -> Started:
        start = Started(at, kind)
        with self._lock:
            self._starts.append(start)
        return start

    def unstarted(self, start: Started) -> None:
        with self._lock:
            self._starts = [s for s in self._starts if s is not start]

    def wants(self, by: int) -> bool:
        with self._lock:
            return by == self.pid and self._call.began is not None and self._call.loop is None

    def flooded(self) -> None:
        self.missing.update(dict.fromkeys(Facet, "the child asked the grader too often"))
        if self.on_flood is not None:
            self.on_flood()

    def made(self, at: float, poll: select.epoll | None, by: int) -> Poll:
        main = by == self.pid  # the thread that runs the calls (its tid is the server's pid)
        made = Poll(at, poll, main)
        with self._lock:
            self._polls.append(made)
            if self._call.began is not None and self._call.loop is None and main:
                self._call.loop = made
        return made

    def unmade(self, made: Poll) -> None:
        with self._lock:
            self._polls = [poll for poll in self._polls if poll is not made]
            if self._call.loop is made:
                self._call.loop = None

    # -- the sampler's thread ----------------------------------------------------------------

    def look(self) -> None:
        """One look at the loop's thread, kept as a sample of the call."""
        last = self._call.samples[-1] if self._call.samples else self._call.before
        sample = self._sample(others=last is not None and last.interpreter)
        if sample is None:
            return
        with self._lock:
            self._call.samples.append(sample)
        if self.nudge and (self._call.own_loop or self._call.loop is not None):
            self._nudge(sample)  # a plain call without a loop may wait as it likes

    def _nudge(self, sample: Sample) -> None:
        """Held outside the loop for NUDGE_AFTER: ask the child which line it is on.

        A signal the child's server answers by noting the submission's line
        (`grader.sandbox.server.NUDGE`): words for the feedback, never a verdict.
        """
        if sample.state is State.POLLING or sample.reads(self._proc.reader[1]):
            self._held_since = None
            return
        if self._held_since is None:
            self._held_since = sample.at
        elif sample.at - self._held_since >= NUDGE_AFTER and sample.at - self._nudged >= 0.1:
            self._nudged = sample.at
            _tgkill(self.pid, self.pid, signal.SIGURG)

    def _sample(self, *, others: bool = True) -> Sample | None:
        """A look at the loop's thread now; None if it cannot be looked at.

        The other threads' times (`others`) only forgive a lock wait: they are
        read when the thread is in one, or was at the look before.
        """
        if self._proc.files is None:
            return None
        syscall, schedstat = self._proc.files
        try:
            line = os.pread(syscall, 256, 0).split()
            counters = os.pread(schedstat, 128, 0).split()
        except OSError:
            return None  # the child is gone: its answer will say so
        at = now()
        written = self._written()  # after the look: a reply written meanwhile counts it as late
        ready, runs = int(counters[0]) + int(counters[1]), int(counters[2])
        if not line or line[0] == b"running" or int(line[0]) < 0:
            elsewhere = self._others() if others else 0
            return Sample(
                at, State.RUNNING, runs=runs, ready=ready, written=written, others=elsewhere
            )
        number = int(line[0])
        args = tuple(int(arg, 16) for arg in line[1:7])
        call = name(number)
        gil = call == "futex" and any(low <= args[0] < high for low, high in self._proc.interpreter)
        elsewhere = self._others() if others or gil else 0
        state = self._state(number, args)
        return Sample(at, state, call, args, runs, ready, written, elsewhere, gil)

    def _others(self) -> int:
        """Nanoseconds the child's other threads have run or waited for a CPU, in all."""
        try:
            tids = {int(tid) for tid in os.listdir(f"/proc/{self.pid}/task")} - {self.pid}
        except OSError:
            return 0
        for gone in set(self._proc.threads) - tids:
            os.close(self._proc.threads.pop(gone))
        total = 0
        for tid in tids:
            try:
                if tid not in self._proc.threads:
                    path = f"/proc/{self.pid}/task/{tid}/schedstat"
                    self._proc.threads[tid] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                ran, waited, _ = os.pread(self._proc.threads[tid], 128, 0).split()
                total += int(ran) + int(waited)
            except (OSError, ValueError):
                continue  # it ended between the listing and the read
        return total

    def _state(self, number: int, args: tuple[int, ...]) -> State:
        known = numbers()
        if number in known.starts or number in known.loops:
            return State.RUNNING  # waiting for the grader's listener to answer: the grader's time
        if number in known.polls:
            return State.POLLING if self._is_the_loop(args[0]) else State.OTHER_LOOP
        if number in known.sleeps:
            return State.SLEEPING
        return State.WAITING

    def _is_the_loop(self, fd: int) -> bool:
        """Whether the child's descriptor `fd` is the call's loop's epoll, listening to the grader.

        The very file (kcmp), not a number; and one that watches the grader's
        pipe, as the loop's own poll does (in the grader's copy's fdinfo): a
        wait in it by the submission's own code, deaf to the grader, is not
        the loop waiting.
        """
        loop = self._call.loop
        if loop is None:
            return False
        if loop.ours is not None:
            same = _same_file(os.getpid(), loop.ours.fileno(), self.pid, fd)
            if same is not None and not (same and self._call.own_loop):
                return same
            if same is not None:
                return self._proc.reader[1] in _watched(loop.ours)
        return fd == loop.theirs

    # -- the end of a call ---------------------------------------------------------------------

    def idle(self) -> bool:
        """Whether every thread of the child waits, with no timeout, for someone else.

        A lock wait with no timeout (a futex without one) or a read of the
        grader's pipe (the child's wait for the next call): nothing in the child
        can wake by itself (its timers are denied, and a thread that could
        wake the others would not be waiting). A child that answered a call
        and is idle has finished it, whatever it said, and whenever.
        """
        try:
            tids = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return True  # gone: it does nothing more
        for tid in tids:
            try:
                with open(f"/proc/{self.pid}/task/{tid}/syscall", "rb") as file:
                    line = file.read().split()
            except OSError:
                continue  # a thread that ended between the listing and the read
            if not _waits_for_others(line, self._proc.reader):
                return False
        return True

    # -- reading the child from outside ------------------------------------------------------

    def _ready(self) -> int:
        """Nanoseconds the loop's thread has run or waited for a CPU (schedstat's first two)."""
        if self._proc.files is None:
            return 0
        try:
            ran, waited, _ = os.pread(self._proc.files[1], 128, 0).split()
            return int(ran) + int(waited)
        except (OSError, ValueError):
            return 0

    def _ran(self) -> int:
        """Nanoseconds the loop's thread has run on a CPU (schedstat's first)."""
        if self._proc.files is None:
            return 0
        try:
            return int(os.pread(self._proc.files[1], 128, 0).split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def _open_loops(self) -> int:
        """How many epolls the child's server process holds now (its loops still open)."""
        folder = f"/proc/{self.pid}/fd"
        count = 0
        with contextlib.suppress(OSError):
            for entry in os.listdir(folder):
                with contextlib.suppress(OSError):
                    if os.readlink(f"{folder}/{entry}") == "anon_inode:[eventpoll]":
                        count += 1
        return count


def _watched(poll: select.epoll) -> set[int]:
    """The descriptors (the child's numbers) an epoll of the grader's copy watches."""
    try:
        with open(f"/proc/self/fdinfo/{poll.fileno()}", encoding="ascii") as info:
            return {int(line.split()[1]) for line in info if line.startswith("tfd:")}
    except (OSError, ValueError, IndexError):
        return set()


def _interpreter_data(pid: int) -> list[tuple[int, int]]:
    """Where the child's interpreter keeps its own state (the GIL among it): its writable data.

    The executable's and libpython's writable segments; a Python lock lives
    in memory the interpreter allocates, never there.
    """
    try:
        executable = os.readlink(f"/proc/{pid}/exe")
        with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
            lines = maps.read().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split(maxsplit=5)
        path = fields[5] if len(fields) > 5 else ""
        mine = path == executable or os.path.basename(path).startswith("libpython")
        if mine and fields[1].startswith("rw"):
            low, high = (int(edge, 16) for edge in fields[0].split("-"))
            found.append((low, high))
    return found


def _waits_for_others(line: list[bytes], reader: tuple[int, int]) -> bool:
    """Whether a thread in this system call (a /proc syscall line) can only be woken by others."""
    if not line or line[0] == b"running" or int(line[0]) < 0:
        return False
    number, args = int(line[0]), [int(arg, 16) for arg in line[1:7]]
    if name(number) == "futex":
        return args[3] == 0  # no timeout
    return (number, args[0]) == reader  # read(FD_IN): only the grader writes to it


def _same_file(pid: int, fd: int, other: int, other_fd: int) -> bool | None:
    """kcmp(2): whether two processes' descriptors are one open file; None if it cannot tell."""
    number = _KCMP.get(os.uname().machine)
    if number is None:
        return None
    result = _libc().syscall(number, pid, other, _KCMP_FILE, fd, other_fd)
    return None if result < 0 else result == 0


def _syscall(call: str) -> int:
    from grader.sandbox.isolation import seccomp

    binding = seccomp.binding()
    return int(binding.resolve_syscall(binding.Arch.NATIVE, call))


def _tgkill(pid: int, tid: int, sig: int) -> None:
    """Send `sig` to one thread of another process (os.kill would let any thread take it)."""
    number = _TGKILL.get(os.uname().machine)
    if number is not None:
        _libc().syscall(number, pid, tid, sig)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)
