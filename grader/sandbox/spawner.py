"""Spawning a child: its pipes, its sockets, its copy of the file, the fork server's order.

The trusted side makes every descriptor a child gets: four pipes (messages
each way, stdout, stderr), an anonymous file holding the submission, the
socket its seccomp listener comes back on, where the check serves HTTP the
socket its keeper hands the listener over on, and last the control group
files it joins. The zygote forks the child with them (`ForkServer.spawn`);
the grader keeps its own ends (`Ends`), and closes the child's at once.
"""

from __future__ import annotations

import dataclasses
import os
import random
import socket
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from grader.sandbox import boot, cgroup, wire
from grader.sandbox.faults import SandboxFailed
from grader.sandbox.forkserver import ForkServer
from grader.sandbox.isolation import Backend, namespaces, sandbox_uids
from grader.sandbox.limits import Limits
from grader.sandbox.wire import Op


@dataclass
class Ends:
    """The grader's ends of a new child's pipes and sockets."""

    messages: int  # read: what the child says
    orders: int  # write: what the grader says
    stdout: int
    stderr: int
    observing: socket.socket  # its seccomp listener comes on it, with the kernel's word on its pid
    handoff: socket.socket | None  # its keeper hands over the check's listening socket on it
    listener: socket.socket | None  # the grader's own listener (no namespaces), if it needs one

    def close_sockets(self) -> None:
        """Close the sockets needed only while the child boots."""
        self.observing.close()
        if self.handoff is not None:
            self.handoff.close()


def make_group(limits: Limits) -> tuple[cgroup.Group | None, list[int]]:
    """The check's control group, where the machine has them, and what the child writes to join."""
    group = cgroup.create(limits)
    if isinstance(group, str):
        if isinstance(cgroup.locate(), cgroup.Hierarchy):
            # Reports say every check had one: a check without would be limited less.
            raise SandboxFailed(f"the sandbox could not start a child: {group}")
        return None, []
    try:
        joins = group.joiners()
    except OSError as error:
        group.remove()
        raise SandboxFailed(f"the sandbox could not start a child: {error}") from None
    return group, joins


def spawn(
    forkserver: ForkServer,
    request: boot.Order,
    content: bytes,
    joins: list[int],
    on_ended: Callable[[int | None], None],
) -> tuple[Future[Any], Ends]:
    """Ask the zygote for a child that reads `content`; the spawn's future and our ends.

    `request.listen` asks for a listening socket: with namespaces the child's
    keeper makes it in the child's own network and hands it over; elsewhere
    the grader listens on the host's loopback, and the order names the port.
    `joins` are the control group's files the child writes to join it.
    """
    ours: list[int] = []
    theirs: list[int] = []
    for _ in range(4):  # messages out, messages in, stdout, stderr
        read, write = os.pipe()
        ours.append(read if len(ours) != 1 else write)
        theirs.append(write if len(theirs) != 1 else read)
    theirs.append(_copy_of(content))
    observing, their_observing = wire.socketpair()
    observing.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)  # the kernel names its pid
    theirs.append(their_observing.detach())
    handoff = listener = None
    port = None
    if request.listen and forkserver.isolation.backend is Backend.NAMESPACES:
        handoff, their_end = wire.socketpair()
        theirs.append(their_end.detach())
    elif request.listen:
        listener = namespaces.listener()  # the grader's own, on the host's loopback
        port = int(listener.getsockname()[1])
    theirs.extend(joins)  # last: the child joins them before anything else
    order = dataclasses.replace(request, listen=handoff is not None, port=port, joins=len(joins))
    messages, orders, stdout, stderr = ours
    ends = Ends(messages, orders, stdout, stderr, observing, handoff, listener)
    try:
        spawned = forkserver.spawn(order, theirs, on_ended)
    except BaseException:
        for fd in ours:
            os.close(fd)
        ends.close_sockets()
        if listener is not None:
            listener.close()
        raise
    finally:
        for fd in theirs:
            os.close(fd)
    return spawned, ends


def uid_for(forkserver: ForkServer) -> int | None:
    """The unprivileged uid a child runs as, drawn afresh; None when it keeps the grader's."""
    isolated = forkserver.isolation.backend is not Backend.NONE
    return random.SystemRandom().choice(sandbox_uids()) if isolated and os.geteuid() == 0 else None


def receive_listener(handoff: socket.socket) -> socket.socket:
    """The check's listening socket, from its keeper; checked to be what was asked for."""
    message, fds = wire.receive(handoff)
    if message is None or message.get("op") != Op.LISTENING or len(fds) != 1:
        for fd in fds:
            os.close(fd)
        raise SandboxFailed("the child's keeper did not hand over its listening socket")
    sock = socket.socket(fileno=fds[0])
    listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    address = sock.getsockname() if sock.family == socket.AF_INET else ("", 0)
    if sock.type != socket.SOCK_STREAM or not listening or address[0] != "127.0.0.1":
        sock.close()
        raise SandboxFailed("the child's keeper handed over something else than a TCP listener")
    return sock


def _copy_of(content: bytes) -> int:
    """A file descriptor of an anonymous file holding `content`: the child's copy to read."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("submission", os.MFD_CLOEXEC)
    else:  # not Linux: an unlinked temporary file does the same
        with tempfile.TemporaryFile() as file:
            fd = os.dup(file.fileno())
    os.write(fd, content)
    return fd
