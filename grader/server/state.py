"""What every request handler reaches: the database, the settings, the course, the queue's bell."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from grader.course import catalog
from grader.course.catalog import Exercise
from grader.server.settings import Settings

#: Seconds the course's catalog is kept before it is read again.
CATALOG_FOR = 5.0


@dataclass
class Limiter:
    """At most `count` events per `window` seconds for each key (sign-in attempts per address)."""

    count: int
    window: float
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def full(self, key: str) -> bool:
        """Whether `key` has had its `count` events in the last `window` seconds."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.get(key)
            while times and times[0] < now - self.window:
                times.popleft()
            return times is not None and len(times) >= self.count

    def note(self, key: str) -> None:
        """Count one event for `key`."""
        with self._lock:
            self._seen.setdefault(key, deque()).append(time.monotonic())
            if len(self._seen) > 10_000:  # forget the quiet ones rather than grow forever
                self._seen = {k: v for k, v in self._seen.items() if v}


@dataclass
class State:
    """The server's shared state, kept on the Starlette app."""

    engine: Engine
    settings: Settings
    wake: threading.Event = field(default_factory=threading.Event)
    # Failed sign-ins (a link or a bearer token) per address: guessing is slowed down.
    failures: Limiter = field(default_factory=lambda: Limiter(30, 60.0))

    _catalog: tuple[float, list[Exercise]] | None = None

    def exercises(self) -> list[Exercise]:
        """The course's exercises, read again after CATALOG_FOR seconds.

        Reading every exercise.yaml costs about 10 ms, on each upload's path; a
        teacher who adds an exercise sees it within seconds (checks themselves are
        read by each grading, so a fixed check counts at once).
        """
        now = time.monotonic()
        if self._catalog is None or now - self._catalog[0] > CATALOG_FOR:
            self._catalog = (now, catalog.catalog(Path(self.settings.exercises_dir)))
        return self._catalog[1]

    def exercise(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises() if e.id == exercise_id), None)
