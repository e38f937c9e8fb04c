"""System calls by number on this machine, and what each means for an event loop's thread.

The listener gets numbers from the kernel and the sampler reads them from
/proc; libseccomp's table (the binding the filters are built with) turns them
into names once, here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from grader.sandbox.isolation import seccomp

_EPOLL_WAITS = ("epoll_wait", "epoll_pwait", "epoll_pwait2")
_SLEEPS = ("nanosleep", "clock_nanosleep", "clock_nanosleep_time64")


def _number(name: str) -> int:
    binding = seccomp.binding()
    try:
        number = int(binding.resolve_syscall(binding.Arch.NATIVE, name))
    except Exception:  # a name this machine's kernel does not have (fork on aarch64)
        return -1
    return number if number >= 0 else -1


@dataclass(frozen=True)
class Numbers:
    """The numbers the observer cares about."""

    clone: int
    epoll_create1: int
    starts: frozenset[int]  # clone, fork, vfork
    loops: frozenset[int]  # epoll_create, epoll_create1
    polls: frozenset[int]  # epoll_wait and its variants
    sleeps: frozenset[int]  # nanosleep, clock_nanosleep

    @classmethod
    def here(cls) -> Numbers:
        def known(*names: str) -> frozenset[int]:
            return frozenset(n for n in map(_number, names) if n >= 0)

        return cls(
            clone=_number("clone"),
            epoll_create1=_number("epoll_create1"),
            starts=known("clone", "fork", "vfork"),
            loops=known("epoll_create", "epoll_create1"),
            polls=known(*_EPOLL_WAITS),
            sleeps=known(*_SLEEPS),
        )


@functools.cache
def numbers() -> Numbers:
    """This machine's numbers, looked up on first use (only a grading that observes needs them)."""
    return Numbers.here()


@functools.cache
def name(number: int) -> str:
    """The system call's name, or its number in words when this machine's table lacks it."""
    binding = seccomp.binding()
    try:
        return str(binding.resolve_syscall(binding.Arch.NATIVE, number).decode())
    except Exception:
        return f"system call {number}"


#: What a wait in each system call most often is, in Python's words, for a student.
MEANING = {
    "nanosleep": "slept (time.sleep)",
    "clock_nanosleep": "slept (time.sleep)",
    "clock_nanosleep_time64": "slept (time.sleep)",
    "futex": "waited on a lock, a thread or a result (thread.join, future.result, queue.get)",
    "wait4": "waited for a process to end",
    "waitid": "waited for a process to end",
    "read": "waited to read (blocking I/O)",
    "recvfrom": "waited for a network answer (blocking I/O)",
    "recvmsg": "waited for a network answer (blocking I/O)",
    "connect": "waited to connect (blocking I/O)",
    "accept": "waited for a connection (blocking I/O)",
    "accept4": "waited for a connection (blocking I/O)",
    "select": "waited in select (a loop of its own, or a sleep)",
    "pselect6": "waited in select (a loop of its own, or a sleep)",
    "poll": "waited in poll (a loop of its own, or blocking I/O)",
    "ppoll": "waited in poll (a loop of its own, or blocking I/O)",
    **dict.fromkeys(_EPOLL_WAITS, "ran another event loop"),
}


def meaning(call: str) -> str:
    """What the loop's thread did while it was held in `call`, in words."""
    return MEANING.get(call, f"waited in the system call {call}")
