"""The wire format: every message between the grader, the zygote and a child.

A message is one JSON object on one line (pipes), or one JSON object per
datagram (the zygote's control socket, which also carries file descriptors).
Its `op` names what it is; every name is a member of `Op`, so a reader of
this file knows every message there is. Values inside messages are encoded
by `grader.sandbox.codec`; nothing crosses as pickle.

This module is imported by the child too: standard library only.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import socket
from enum import StrEnum
from typing import Any

#: Largest encoded message either side accepts, in bytes.
MAX_MESSAGE = 4 * 1024 * 1024
#: Largest control datagram (spawn requests and their answers are small).
MAX_CONTROL = 64 * 1024
#: Most file descriptors one control datagram carries.
MAX_FDS = 8


class Op(StrEnum):
    """Every message name, grouped by who sends it to whom."""

    # grader -> child
    CALL = "call"  # run one of the submission's functions
    REPLY = "reply"  # the result of a trusted callable the child called
    PING = "ping"  # is the child's event loop answering?
    # child -> grader
    SERVING = "serving"  # set up; from here on the submission runs, and may write anything
    READY = "ready"  # imported; these are its functions
    IMPORT_FAILED = "import_failed"  # the submission could not be imported
    RETURN = "return"  # a call returned (its value)
    RAISE = "raise"  # a call raised (type, message, the submission's lines)
    UNDEFINED = "undefined"  # the submission has no function of that name: nothing ran
    RETURNED = "returned"  # a plain function called in a loop returned (what, before awaiting)
    DONE = "done"  # the call's coroutine finished (before its loop was cleaned up)
    CALLBACK = "callback"  # call this trusted callable
    CANCEL = "cancel"  # the child cancelled a trusted callable it awaited
    PONG = "pong"  # the loop answered a ping
    EXIT = "exit"  # the keeper: the server process ended, with this status
    LISTENING = "listening"  # the keeper: the check's listening socket (it comes along)
    OBSERVING = "observing"  # the server, before the import: its seccomp listener comes along
    # grader -> zygote
    SPAWN = "spawn"  # start a child for one check (its pipes come along)
    KILL = "kill"  # end a child and everything it started
    # zygote -> grader
    HELLO = "hello"  # the zygote is up, under this isolation
    SPAWNED = "spawned"  # the child's keeper runs, as this pid
    FAILED = "failed"  # a child could not be started (zygote, or its set-up, before SERVING)
    ENDED = "ended"  # a child's keeper ended on its own (status)
    GONE = "gone"  # a child killed on request is gone, with all it started


def dumps(message: dict[str, Any]) -> bytes:
    """One message as one line of JSON."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> dict[str, Any]:
    """Parse one message; anything but a JSON object with a known `op` is rejected.

    JSON can carry a lone surrogate (`\\ud800`), which no UTF-8 file can hold: a
    submission that raised one in a message would break every report written
    after it. Each becomes "?" here, where the child's text enters.
    """
    message = json.loads(line)
    if not isinstance(message, dict) or message.get("op") not in Op.__members__.values():
        raise ValueError("not a message")
    if b"\\ud" in line.lower():
        cleaned: dict[str, Any] = _without_surrogates(message)
        return cleaned
    return message


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def read_all(fd: int) -> bytes:
    """What `fd` holds from where it stands to its end (a pipe: until every writer closed it)."""
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def socketpair() -> tuple[socket.socket, socket.socket]:
    """A connected pair for control datagrams: SOCK_SEQPACKET where the system has it."""
    kind = getattr(socket, "SOCK_SEQPACKET", None)
    try:
        return socket.socketpair(socket.AF_UNIX, kind if kind is not None else socket.SOCK_DGRAM)
    except OSError:  # macOS has no Unix SOCK_SEQPACKET; datagrams keep the boundaries too
        return socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)


def send(
    sock: socket.socket, message: dict[str, Any], fds: list[int] | tuple[int, ...] = ()
) -> None:
    """One control datagram, with file descriptors."""
    data = dumps(message)
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.send(data)


def receive(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """One control datagram and the descriptors it carried; (None, []) at end of stream."""
    message, fds, _ = receive_from(sock)
    return message, fds


def receive_from(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int], int]:
    """Like `receive`, and the sender's pid as the kernel wrote it (0 without SO_PASSCRED).

    The kernel translates that pid into the receiver's PID namespace: the
    grader learns the pid of a process inside a sandbox's namespace.
    """
    credentials = getattr(socket, "SCM_CREDENTIALS", None)
    space = socket.CMSG_SPACE(MAX_FDS * array.array("i").itemsize)
    if credentials is not None:
        space += socket.CMSG_SPACE(3 * array.array("i").itemsize)
    data, ancillary, _flags, _ = sock.recvmsg(MAX_CONTROL, space)
    fds: list[int] = []
    pid = 0
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            received = array.array("i")
            received.frombytes(payload[: len(payload) - len(payload) % received.itemsize])
            fds.extend(received)
        elif level == socket.SOL_SOCKET and kind == credentials and len(payload) >= 4:
            pid = int(array.array("i", payload[:4])[0])
    if not data:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        return None, [], 0
    return loads(data), fds, pid
