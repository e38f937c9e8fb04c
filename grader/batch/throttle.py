"""How many gradings a batch runs at once: as many as the machine can take.

Gradings mostly wait, so a machine can run more of them than it has cores;
but every check measures time, and a busy machine adds time. The limit
starts a little above the number of cores and follows what is seen after
each grading: the processors' use since the last look (from /proc/stat,
where there is one) and whether that grading failed a check on time only
(what load can cause, and what the batch re-grades alone). Spare processors
and no timing failures raise the limit by one; a machine near full, or a
timing failure, lowers it by one. It never goes below the number of cores
(those gradings would be waiting anyway) or above `most`.
"""

from __future__ import annotations

import time

#: Below this share of the processors busy, the batch may add a grading.
ROOM = 0.75
#: Above this share, it takes one away.
FULL = 0.92
#: Seconds between two changes of the limit: each change needs a new look.
SETTLE = 0.5


class Throttle:
    """The number of gradings that may be in flight now."""

    def __init__(self, *, least: int, most: int) -> None:
        self.least = max(1, min(least, most))
        self.most = most
        self._limit = min(most, self.least + 1)
        self._last = _cpu_times()
        self._changed = time.monotonic()
        self.history: list[int] = [self._limit]  # every limit it has had, for the benchmarks

    @property
    def limit(self) -> int:
        return self._limit

    def observe(self, *, timing_failed: bool) -> None:
        """One grading finished: look at the machine, and move the limit by one if need be."""
        now = time.monotonic()
        busy = self._busy()
        if timing_failed or (busy is not None and busy > FULL):
            self._set(self._limit - 1, now)
        elif now - self._changed >= SETTLE and busy is not None and busy < ROOM:
            self._set(self._limit + 1, now)

    def _set(self, limit: int, now: float) -> None:
        limit = max(self.least, min(self.most, limit))
        if limit != self._limit:
            self._limit = limit
            self._changed = now
            self.history.append(limit)

    def _busy(self) -> float | None:
        """The share of processor time spent working since the last look, if it can be known."""
        current = _cpu_times()
        if current is None or self._last is None:
            return None
        total = sum(current) - sum(self._last)
        idle = (current[3] + current[4]) - (self._last[3] + self._last[4])
        self._last = current
        return None if total <= 0 else 1.0 - idle / total


def _cpu_times() -> list[int] | None:
    """The machine's processor times (user, nice, system, idle, iowait, ...), in ticks."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    return [int(value) for value in fields[1:8]]
