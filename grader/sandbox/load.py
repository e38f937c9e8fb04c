"""Load, measured: how long the threads a verdict depends on waited for a CPU.

A time bound missed on a busy machine may be the machine's doing: a timer
that fired while every core ran something else, a reply read late. The
kernel counts, for each thread, the time it was ready to run and did not
(`/proc/PID/task/TID/schedstat`, its second field). The threads a check's
times depend on are the grader's own main thread (its event loop, its
timers and the injected callables) and every thread of the check's child;
the sum of their waits over an attempt is what load can explain of a miss
(`grader.grading.retries`). Of the grader's helper threads, the listener
counts (a child's new thread or loop waits for its answer); the sampler that
looks at the child every 5 ms does not: it waits for a CPU often on a busy
machine, and none of a check's times waits for it.

Only the waits while a call of the submission is in flight count
(`Meter.in_calls`): every time a check judges is a call's, and a child's
start (an interpreter importing a file) waits for a CPU on a busy machine
for nothing a bound measures.

One `Meter` per process (`METER`): a grading's checks run one at a time.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def waited(pid: int, tid: int | None = None) -> float:
    """Seconds thread `tid` of `pid` (every thread of it without `tid`) waited for a CPU."""
    folder = Path(f"/proc/{pid}/task")
    tids = [str(tid)] if tid is not None else _tids(folder)
    total = 0
    for each in tids:
        try:
            total += int((folder / each / "schedstat").read_bytes().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or a kernel without schedstats
    return total / 1e9


def _tids(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


class Meter:
    """The waits of this process's main thread and of the children it watches, summed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._children: dict[int, float] = {}  # pid -> its waits when last read
        self._ended = 0.0  # the waits of children no longer watched
        self._threads: set[int] = set()  # this process's threads that count, besides the main
        self.in_calls = 0.0  # the waits counted while calls of the submission were in flight

    def count_thread(self, tid: int) -> None:
        """Count a thread of this process a check's times wait on (the observer's listener)."""
        with self._lock:
            self._threads.add(tid)

    def spent_in_call(self, seconds: float) -> None:
        """Add what was waited for a CPU while one call was in flight (its `total` difference)."""
        with self._lock:
            self.in_calls += max(0.0, seconds)

    def watch(self, pid: int) -> None:
        with self._lock:
            self._children[pid] = waited(pid)

    def forget(self, pid: int) -> None:
        """Stop watching `pid`, keeping what it waited (read now, before it goes)."""
        last = waited(pid)
        with self._lock:
            before = self._children.pop(pid, None)
            if before is not None:
                self._ended += max(last, before)

    def total(self) -> float:
        """Every wait counted so far: take it before and after, the difference is the load."""
        main = threading.main_thread().native_id
        with self._lock:
            pids = list(self._children)
            tids = {main, *self._threads} - {None}
        own = sum(waited(os.getpid(), tid) for tid in tids if tid is not None)
        now = {pid: waited(pid) for pid in pids}
        with self._lock:
            for pid, value in now.items():
                if pid in self._children:
                    # A child that just ended reads as 0: its last reading stands.
                    self._children[pid] = max(self._children[pid], value)
            return own + self._ended + sum(self._children.values())


METER = Meter()
