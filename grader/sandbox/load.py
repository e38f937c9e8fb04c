"""Load, measured: how long the threads a verdict depends on waited for a CPU.

A time bound missed on a busy machine may be the machine's doing: a timer
that fired while every core ran something else, a reply read late. The
kernel counts, for each thread, the time it was ready to run and did not
(`/proc/PID/task/TID/schedstat`, its second field). A check's times depend
on every thread of the grader's process (its event loop, timers and injected
callables; the observer's listener, which a child's new thread or loop waits
for; any of them holding the interpreter's lock while it waits for a CPU
holds up all the others) and on the thread of the check's child that runs
its event loop; the sum of their waits is what load can explain of a miss
(`grader.grading.retries`).
Counting a wait that delayed nothing only makes a miss look explainable:
more retries, or `inconclusive`, never a wrong failure.

Only the waits while a call of the submission is in flight count
(`Meter.in_calls`): every time a check judges is a call's, and a child's
start (an interpreter importing a file) waits for a CPU on a busy machine
for nothing a bound measures.

Load the child makes itself is no excuse: a submission that keeps the CPUs
busy (threads or processes spinning while its slow code runs) would make its
own misses look like the machine's. So of the child's threads only the one
that runs its event loop counts (more threads than cores, spinning, wait
more than they run), and the meter also counts the load the child made
during calls (`Meter.made_in_calls`), which `grader.grading.retries` takes
off what load may explain: all the CPU time of its other threads and
processes (its control group's count, which keeps what ended processes
used, else its threads' own), and of its loop's thread as much as the
grader's threads waited meanwhile. A loop's thread that runs does not keep
itself waiting; it may keep the grader's threads from a CPU. So a file
whose loop spins (a busy wait) on a busy machine is judged by the waits
the machine caused it, as on a quiet one, and not failed for its spinning.

One `Meter` per process (`METER`): a grading's checks run one at a time.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Protocol


class Counted(Protocol):
    """What counts the CPU time of all of a child's processes (`grader.sandbox.cgroup.Group`)."""

    def cpu_seconds(self) -> float | None: ...


@dataclass(frozen=True)
class Reading:
    """The meter's counts at one moment: take one when a call starts, one when it ends."""

    waited: float  # seconds the counted threads have waited for a CPU
    made: float  # seconds of CPU the watched children have used
    looped: float = 0.0  # of those, seconds their loops' threads ran
    own: float = 0.0  # of the waits, the seconds this process's threads waited


def schedstats(pid: int) -> dict[int, tuple[int, int]]:
    """Each thread of `pid`: nanoseconds on a CPU and waiting for one, by thread id."""
    folder = f"/proc/{pid}/task"
    try:
        tids = os.listdir(folder)
    except OSError:
        return {}
    found = {}
    for tid in tids:
        try:
            with open(f"{folder}/{tid}/schedstat", "rb") as stats:
                ran, waited = stats.read().split()[:2]
            found[int(tid)] = (int(ran), int(waited))
        except (OSError, ValueError):
            continue  # gone meanwhile, or a kernel without schedstats
    return found


def waits(pid: int) -> dict[int, int]:
    """Nanoseconds each thread of `pid` has waited for a CPU, by thread id."""
    return {tid: waited for tid, (_, waited) in schedstats(pid).items()}


def waited(pid: int) -> float:
    """Seconds the threads of `pid` alive now have waited for a CPU, in all."""
    return sum(waits(pid).values()) / 1e9


def self_made(began: Reading, now: Reading) -> float:
    """The load the children made between two readings, which explains none of their waits.

    All the CPU time of their other threads and processes; of their loops'
    threads, only as much as this process's threads waited meanwhile (a
    thread that runs does not keep itself waiting).
    """
    looped = max(0.0, now.looped - began.looped)
    others = max(0.0, now.made - began.made - looped)
    return others + min(looped, max(0.0, now.own - began.own))


class Meter:
    """The waits of this process's threads and of the children it watches, summed.

    Each thread's last reading is kept, so a thread that ends takes nothing
    back of what it waited.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[int, int], int] = {}  # (pid, tid) -> its waits when last read
        self._ran: dict[tuple[int, int], int] = {}  # (child, tid) -> its CPU time when last read
        self._children: dict[int, Counted | None] = {}
        self._made: dict[int, float] = {}  # child -> its processes' CPU time when last read
        self.in_calls = 0.0  # the waits counted while calls of the submission were in flight
        self.made_in_calls = 0.0  # the CPU time the children used while calls were in flight

    def watch(self, pid: int, group: Counted | None = None) -> None:
        """Count child `pid` too; `group` counts all its processes' CPU time, where it has one."""
        with self._lock:
            self._children[pid] = group
        self._read([pid])

    def forget(self, pid: int) -> None:
        """Stop reading `pid`, keeping what it waited and used (read now, before it goes)."""
        self._read([pid])
        with self._lock:
            self._children.pop(pid, None)

    def reading(self) -> Reading:
        """The counts now: what every thread waited, and what the children used."""
        waited, me = self.total(), os.getpid()
        with self._lock:
            looped = sum(ran for (pid, tid), ran in self._ran.items() if tid == pid)
            own = sum(wait for (pid, _), wait in self._seen.items() if pid == me)
            return Reading(waited, sum(self._made.values()), looped / 1e9, own / 1e9)

    def spent_in_call(self, began: Reading) -> None:
        """Add what load and the child cost one call, from the reading taken when it started."""
        now = self.reading()
        with self._lock:
            self.in_calls += max(0.0, now.waited - began.waited)
            self.made_in_calls += self_made(began, now)

    def total(self) -> float:
        """Every wait counted so far: take it before and after, the difference is the load."""
        with self._lock:
            pids = [os.getpid(), *self._children]
        self._read(pids)
        with self._lock:
            return sum(self._seen.values()) / 1e9

    def _read(self, pids: list[int]) -> None:
        readings = {pid: schedstats(pid) for pid in pids}
        with self._lock:
            groups = {pid: self._children[pid] for pid in pids if pid in self._children}
        counted = {pid: group.cpu_seconds() for pid, group in groups.items() if group is not None}
        with self._lock:
            for pid, now in readings.items():
                for tid, (ran, waited) in now.items():
                    key = (pid, tid)
                    if pid not in groups or tid == pid:  # a child's: its loop's thread alone
                        self._seen[key] = max(self._seen.get(key, 0), waited)
                    if pid in groups:
                        self._ran[key] = max(self._ran.get(key, 0), ran)
            for pid in groups:
                made = counted.get(pid)
                if made is None:  # no group to count ended processes: its threads' own times
                    made = sum(v for (child, _), v in self._ran.items() if child == pid) / 1e9
                self._made[pid] = max(self._made.get(pid, 0.0), made)


METER = Meter()
