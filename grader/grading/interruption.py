"""Ctrl-C, as the signal itself says: noted where pytest or asyncio would swallow it.

pytest, run in this process, takes a KeyboardInterrupt for its own in places
(while a session starts, it ends the session without a record of it), and
asyncio's runner turns one during a check into a cancellation that a check
may outlive, so a grading can go on to its end after Ctrl-C. While
`noting()` is in force, each SIGINT also writes its number to a pipe
(`signal.set_wakeup_fd`), at the C level, before any Python handler runs:
no handler, `except` or pytest can take that back. Python's own handler
stays, so a Ctrl-C during a check is still the cancellation asyncio makes of
it, which ends the check's child and threads in order; a KeyboardInterrupt
raised at an arbitrary point there could strand a thread the exit then
waits for. A grading cuts its session short once Ctrl-C was pressed
(`grader.grading.session.cut_short_when`) and raises KeyboardInterrupt
after it (`Interrupts.check`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator


class Interrupts:
    """Whether Ctrl-C was pressed while it was noting, as the signal itself says."""

    def __init__(self) -> None:
        self._seen = False
        self._pipe: tuple[int, int] | None = None

    @contextlib.contextmanager
    def noted(self) -> Iterator[None]:
        """Note every SIGINT meanwhile (in the main thread only: signals go to it alone)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        self._pipe = read, write
        try:
            yield
        finally:
            signal.set_wakeup_fd(previous)
            self._pipe = None
            os.close(read)
            os.close(write)

    def pressed(self) -> bool:
        """Whether a SIGINT came since the noting began."""
        if not self._seen and self._pipe is not None:
            try:
                while chunk := os.read(self._pipe[0], 512):
                    self._seen = self._seen or int(signal.SIGINT) in chunk
            except BlockingIOError:
                pass
        return self._seen

    def check(self) -> None:
        """Raise KeyboardInterrupt if Ctrl-C was pressed, even if what it landed in swallowed it."""
        if self.pressed():
            raise KeyboardInterrupt


_active: Interrupts | None = None


@contextlib.contextmanager
def noting() -> Iterator[Interrupts]:
    """Note every SIGINT meanwhile; inside another `noting()`, that one's notes are shared."""
    global _active
    if _active is not None:
        yield _active
        return
    _active = Interrupts()
    try:
        with _active.noted():
            yield _active
    finally:
        _active = None
