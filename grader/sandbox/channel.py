"""The pipes between the grader's event loop and one child.

Four pipes: messages out to the child, messages in from it, and the
submission's stdout and stderr. Each read end gets a protocol of our own,
so every chunk is handed on, timestamped on the trusted clock, the moment
it is read rather than when a check gets round to it. What goes out is
bounded: a child that stops reading must not make the grader buffer without
end.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import struct
import termios
from collections.abc import Callable
from typing import Any

from grader.clock import now
from grader.sandbox.faults import SubmissionDied
from grader.sandbox.wire import dumps

#: The most of our messages a child may leave unread before it counts as not reading.
MAX_UNREAD = 16 * 1024 * 1024

#: Takes a chunk of a pipe and the trusted time it was read at.
Sink = Callable[[bytes, float], None]


class _Pipe(asyncio.Protocol):
    """Hands each chunk a pipe delivers to `sink` the moment it is read."""

    def __init__(self, sink: Sink, closed: Callable[[], None]) -> None:
        self.sink = sink
        self.closed = closed

    def data_received(self, data: bytes) -> None:
        self.sink(data, now())

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed()


class Channel:
    """The child's pipes, as the grader's event loop reads and writes them."""

    def __init__(self, fail: Callable[[SubmissionDied], None]) -> None:
        self.out_fd = -1  # the read end of the child's messages, to see what is still in it
        self._fail = fail
        self._transports: list[asyncio.BaseTransport] = []
        self._writer: asyncio.WriteTransport | None = None

    async def connect(
        self, reads: list[tuple[int, Sink, Callable[[], None]]], write_fd: int
    ) -> None:
        """Read each of `reads` (fd, sink, called when it closes) and write to `write_fd`."""
        loop = asyncio.get_running_loop()
        for fd, sink, closed in reads:
            transport, _ = await loop.connect_read_pipe(
                lambda sink=sink, closed=closed: _Pipe(sink, closed),  # type: ignore[misc]
                os.fdopen(fd, "rb", buffering=0),
            )
            self._transports.append(transport)
        writer, _ = await loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(write_fd, "wb", buffering=0)
        )
        self._transports.append(writer)
        self._writer = writer

    def send(self, message: dict[str, Any]) -> None:
        """Write one message to the child, unless it has left too much unread."""
        if self._writer is not None and not self._writer.is_closing():
            if self._writer.get_write_buffer_size() > MAX_UNREAD:
                self._fail(
                    SubmissionDied(
                        "your program stopped reading what the grader sends it, so the grader "
                        "stopped it"
                    )
                )
                return
            self._writer.write(dumps(message))

    def close(self) -> None:
        """Close every pipe."""
        for transport in self._transports:
            transport.close()


def unread(fd: int) -> int:
    """How many bytes wait in the pipe `fd` (0 if it cannot be asked)."""
    try:
        raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    except OSError:
        return 0
    return int(struct.unpack("i", raw)[0])
