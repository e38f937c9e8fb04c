"""Load, measured: how long the threads a verdict depends on waited for a CPU.

A time bound missed on a busy machine may be the machine's doing: a timer
that fired while every core ran something else, a reply read late. The
kernel counts, for each thread, the time it was ready to run and did not
(`/proc/PID/task/TID/schedstat`, its second field). A check's times depend
on every thread of the grader's process (its event loop, timers and injected
callables; the observer's listener, which a child's new thread or loop waits
for; any of them holding the interpreter's lock while it waits for a CPU
holds up all the others) and on every thread of the check's child; the sum of
their waits is what load can explain of a miss (`grader.grading.retries`).
Counting a wait that delayed nothing only makes a miss look explainable:
more retries, or `inconclusive`, never a wrong failure.

Only the waits while a call of the submission is in flight count
(`Meter.in_calls`): every time a check judges is a call's, and a child's
start (an interpreter importing a file) waits for a CPU on a busy machine
for nothing a bound measures.

One `Meter` per process (`METER`): a grading's checks run one at a time.
"""

from __future__ import annotations

import os
import threading


def waits(pid: int) -> dict[int, int]:
    """Nanoseconds each thread of `pid` has waited for a CPU, by thread id."""
    folder = f"/proc/{pid}/task"
    try:
        tids = os.listdir(folder)
    except OSError:
        return {}
    found = {}
    for tid in tids:
        try:
            with open(f"{folder}/{tid}/schedstat", "rb") as stats:
                found[int(tid)] = int(stats.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or a kernel without schedstats
    return found


def waited(pid: int) -> float:
    """Seconds the threads of `pid` alive now have waited for a CPU, in all."""
    return sum(waits(pid).values()) / 1e9


class Meter:
    """The waits of this process's threads and of the children it watches, summed.

    Each thread's last reading is kept, so a thread that ends takes nothing
    back of what it waited.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[int, int], int] = {}  # (pid, tid) -> its waits when last read
        self._children: set[int] = set()
        self.in_calls = 0.0  # the waits counted while calls of the submission were in flight

    def watch(self, pid: int) -> None:
        """Count the threads of child `pid` too (take `total` after this, not across it)."""
        self._read([pid])
        with self._lock:
            self._children.add(pid)

    def forget(self, pid: int) -> None:
        """Stop reading `pid`, keeping what its threads waited (read now, before it goes)."""
        self._read([pid])
        with self._lock:
            self._children.discard(pid)

    def spent_in_call(self, seconds: float) -> None:
        """Add what was waited for a CPU while one call was in flight (its `total` difference)."""
        with self._lock:
            self.in_calls += max(0.0, seconds)

    def total(self) -> float:
        """Every wait counted so far: take it before and after, the difference is the load."""
        with self._lock:
            pids = [os.getpid(), *self._children]
        self._read(pids)
        with self._lock:
            return sum(self._seen.values()) / 1e9

    def _read(self, pids: list[int]) -> None:
        readings = {pid: waits(pid) for pid in pids}
        with self._lock:
            for pid, now in readings.items():
                for tid, value in now.items():
                    key = (pid, tid)
                    self._seen[key] = max(self._seen.get(key, 0), value)


METER = Meter()
