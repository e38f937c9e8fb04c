"""What a child prints, captured on the trusted side as it arrives.

The submission's stdout and stderr are pipes of their own, read by the
grader's event loop; each chunk is timestamped on the trusted clock the
moment it is read (`grader.sandbox.channel`), so a printed line's time is
when the grader got it, not when the submission says it printed it. A child
that prints more than its limit is stopped: its output must not fill the
grader's memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from grader.sandbox.channel import unread
from grader.sandbox.faults import SubmissionDied
from grader.sandbox.records import Line

#: The most of a child's stderr kept (tracebacks and warnings, for feedback).
MAX_STDERR = 16 * 1024


class Output:
    """The lines a child printed, with their arrival times, and the start of its stderr."""

    def __init__(self, limit_kb: int, fail: Callable[[SubmissionDied], None]) -> None:
        self.lines: list[Line] = []
        self.stderr = bytearray()
        self.stdout_fd = -1  # the stdout pipe's read end, to see what is still in it
        self._limit_kb = limit_kb
        self._fail = fail
        self._bytes = 0
        self._partial = b""

    def on_stdout(self, data: bytes, at: float) -> None:
        """A chunk of stdout: each line it completes is a line printed at `at`."""
        self._count(data)
        self._partial += data
        *complete, self._partial = self._partial.split(b"\n")
        for raw in complete:
            self.lines.append(Line(at, raw.decode("utf-8", "replace").rstrip("\r")))

    def on_stderr(self, data: bytes, at: float) -> None:
        """A chunk of stderr: kept up to MAX_STDERR."""
        self._count(data)
        room = MAX_STDERR - len(self.stderr)
        if room > 0:
            self.stderr += data[:room]

    def _count(self, data: bytes) -> None:
        self._bytes += len(data)
        if self._bytes > self._limit_kb * 1024:
            self._fail(
                SubmissionDied(
                    f"your program printed more than {self._limit_kb} KiB of output, "
                    "so the grader stopped it"
                )
            )

    def mark(self) -> tuple[int, int]:
        """Where the output stands now: what a call printed is what comes after."""
        return len(self.lines), len(self.stderr)

    def since(self, mark: tuple[int, int]) -> tuple[list[Line], str]:
        """The lines and the stderr text that came after `mark`."""
        first_line, first_error = mark
        return self.lines[first_line:], self.stderr[first_error:].decode("utf-8", "replace")

    async def drain(self) -> None:
        """Let every byte already in the stdout pipe reach `lines`.

        The child flushes its output before it replies, but the reply travels
        on another pipe, so it can be read first.
        """
        for _ in range(200):
            if unread(self.stdout_fd) == 0:
                break
            await asyncio.sleep(0.001)
        await asyncio.sleep(0)
