"""One thread that looks at the loop's thread of every call in flight, every `PERIOD`.

A look is two reads of /proc, from the grader's process: the system call
the thread is in (`/proc/PID/task/PID/syscall`) and its scheduler counters
(`schedstat`). 5 ms apart, a stretch of 50 ms shows in about ten looks.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

#: How often the loop's thread of a call in flight is looked at, in seconds.
PERIOD = 0.005


class Watched(Protocol):
    def look(self) -> None: ...


class Sampler:
    """Looks at every watched call's loop thread, on one daemon thread, while there is one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: list[Watched] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, watched: Watched) -> None:
        with self._lock:
            self._watched.append(watched)
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
                self._thread.start()

    def remove(self, watched: Watched) -> None:
        """Stop looking at `watched`; once this returns, no look of it is under way."""
        with self._lock:
            if watched in self._watched:
                self._watched.remove(watched)

    def _run(self) -> None:
        due = time.monotonic()
        while True:
            with self._lock:
                for watched in self._watched:
                    watched.look()
                idle = not self._watched
                if idle:
                    self._wake.clear()
            if idle:
                self._wake.wait()
                due = time.monotonic()
                continue
            due += PERIOD
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                due = time.monotonic()  # late (a busy machine): look again now, not in a burst
