"""The grader's end of every child's seccomp listener: one thread answers them all.

A child's observer filter (`filter.py`) stops each call that starts a thread
or a process, or makes an event loop's poll, until this thread has answered
it. The answer lets the call go on; before that, the call is told to the
child's `Watcher`, with the trusted time it was asked at. A new epoll is made
here, in the grader's process, and put into the child's table in place of
the one it asked for (SECCOMP_IOCTL_NOTIF_ADDFD with SEND): the grader then
holds every event loop's poll the child has, and can tell which one its
loop's thread is waiting in.

Answers are quick (a notification costs the child about 0.2 ms), and a
child whose listener goes quiet for good (it ended) is forgotten. Only an
epoll that may be a call's loop is copied (`Sink.wants`); a child that asks
more than `MOST` times in all is told it flooded the grader, and is asked
no more (its listener is closed: what it tries next fails).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
import struct
import threading
from typing import Protocol

from grader.clock import now
from grader.sandbox.observation.records import Poll, Start, Started
from grader.sandbox.observation.syscalls import numbers

# <linux/seccomp.h>: struct seccomp_notif, seccomp_notif_resp and seccomp_notif_addfd, and
# the ioctls that carry them (_IOWR('!', 0..), _IOW('!', 3, ...)).
_NOTIF = struct.Struct("<QIIiIQ6Q")
_RESPONSE = struct.Struct("<QqiI")
_ADDFD = struct.Struct("<QIIII")
_RECV, _SEND, _ADD = 0xC0502100, 0xC0182101, 0x40182103
_CONTINUE, _ADDFD_SEND = 1, 2
_CLONE_THREAD = 0x00010000
_EPOLL_CLOEXEC = 0o2000000
#: The most notifications one child may cause: far beyond any honest submission's.
MOST = 4096


class Sink(Protocol):
    """Who is told what one child asked for (a `Watcher`)."""

    def started(self, at: float, kind: Start) -> Started: ...

    def unstarted(self, start: Started) -> None:
        """The call that started `start` did not go on (interrupted: it will ask again)."""
        ...

    def made(self, at: float, poll: select.epoll | None, by: int) -> Poll: ...

    def unmade(self, made: Poll) -> None:
        """The call that asked for `made` never got it (interrupted, or its thread died)."""
        ...

    def wants(self, by: int) -> bool:
        """Whether an epoll thread `by` makes now may be a call's loop: keep a copy."""
        ...

    def flooded(self) -> None:
        """The child asked more than MOST times: it is not listened to any more."""
        ...


class Listener:
    """Serves the listeners of every child this process observes, on one daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sinks: dict[int, Sink] = {}
        self._asked: dict[int, int] = {}  # how many notifications each listener brought
        self._poll = select.epoll()
        self._thread: threading.Thread | None = None

    def add(self, fd: int, sink: Sink) -> None:
        """Answer the notifications of the listener `fd` (which this now owns), telling `sink`."""
        with self._lock:
            self._sinks[fd] = sink
            self._asked[fd] = 0
            self._poll.register(fd, select.EPOLLIN)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="observer", daemon=True)
                self._thread.start()

    def remove(self, fd: int) -> None:
        """Stop answering `fd` and close it (a child still asking is told "not implemented")."""
        with self._lock:
            self._asked.pop(fd, None)
            if self._sinks.pop(fd, None) is not None:
                with contextlib.suppress(OSError):
                    self._poll.unregister(fd)
                os.close(fd)

    def _run(self) -> None:
        while True:
            for fd, events in self._poll.poll():
                with self._lock:
                    sink = self._sinks.get(fd)
                    if sink is None:
                        continue
                    if events & select.EPOLLIN and self._asked[fd] >= MOST:
                        self._asked[fd] = -1  # told once
                        with contextlib.suppress(OSError):
                            self._poll.unregister(fd)
                        sink.flooded()
                    elif events & select.EPOLLIN:
                        self._asked[fd] += 1
                        _answer(fd, sink)
                    elif events & (select.EPOLLHUP | select.EPOLLERR):
                        # Every process of that child is gone: nothing more will be asked.
                        with contextlib.suppress(OSError):
                            self._poll.unregister(fd)


def _answer(fd: int, sink: Sink) -> None:
    """Receive one notification, tell `sink`, and let the call go on (lock held)."""
    raw = bytearray(_NOTIF.size)
    try:
        fcntl.ioctl(fd, _RECV, raw, True)
    except OSError:
        return  # the asking process died meanwhile (ENOENT), or nothing was left (EAGAIN)
    at = now()
    ident, by, _flags, number, _arch, _ip, *args = _NOTIF.unpack(raw)
    known = numbers()
    if number in known.loops and sink.wants(by):
        _make_loop(fd, sink, ident, (number, args[0], by), at)
        return
    # Counted before the call goes on (the call it is part of may end a moment later), and
    # taken back if it did not: an interrupted call is asked again when it restarts.
    made = sink.made(at, None, by) if number in known.loops else None  # the child makes it
    start = None
    if number in known.starts:
        thread = number == known.clone and args[0] & _CLONE_THREAD
        start = sink.started(at, Start.THREAD if thread else Start.PROCESS)
    if not _respond(fd, ident):
        if made is not None:
            sink.unmade(made)
        if start is not None:
            sink.unstarted(start)


def _make_loop(fd: int, sink: Sink, ident: int, asked: tuple[int, int, int], at: float) -> None:
    """Make the child's new epoll here and hand it over: the grader holds it too.

    `asked` is the call's number, its first argument and the thread that made it.
    """
    number, flags, by = asked
    create1 = number == numbers().epoll_create1
    if not create1 and _signed(flags) <= 0:
        _respond(fd, ident, error=errno.EINVAL)  # epoll_create(size) with size <= 0
        return
    if create1 and flags & ~_EPOLL_CLOEXEC:
        _respond(fd, ident, error=errno.EINVAL)
        return
    try:
        poll = select.epoll()
    except OSError as error:  # the grader's own process is out of descriptors
        sink.made(at, None, by)
        _respond(fd, ident, error=error.errno or errno.ENOMEM)
        return
    # Told before it is handed over: the child may wait in it a moment later.
    made = sink.made(at, poll, by)
    cloexec = os.O_CLOEXEC if create1 and flags & _EPOLL_CLOEXEC else 0
    request = bytearray(_ADDFD.pack(ident, _ADDFD_SEND, poll.fileno(), 0, cloexec))
    try:
        made.theirs = fcntl.ioctl(fd, _ADD, request, True)  # the call returns this descriptor
    except OSError as error:
        made.ours = None
        poll.close()
        if error.errno == errno.ENOENT:
            sink.unmade(made)  # interrupted (asked again on restart), or the asker died
            return
        if error.errno in (errno.EMFILE, errno.ENFILE):
            _respond(fd, ident, error=error.errno)  # the child's own limit: its epoll fails
        else:
            _respond(fd, ident)  # it makes its own, which the grader cannot tell apart


def _respond(fd: int, ident: int, *, error: int = 0) -> bool:
    """Let a notified call go on, or fail it with `error`; False if it was no longer waiting."""
    response = (
        _RESPONSE.pack(ident, 0, -error, 0) if error else _RESPONSE.pack(ident, 0, 0, _CONTINUE)
    )
    try:
        fcntl.ioctl(fd, _SEND, bytearray(response), True)
    except OSError:  # interrupted by a signal (the call restarts and asks again), or died
        return False
    return True


def _signed(value: int) -> int:
    """A 64-bit register's value as a C int: epoll_create's `size`."""
    value &= 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value
