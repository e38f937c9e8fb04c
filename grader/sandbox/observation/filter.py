"""The seccomp program by which the kernel tells the grader what a child starts.

Where the sandbox's own filter (`grader.sandbox.isolation.seccomp`) denies,
this one asks: every call that starts a thread or a process (`clone`,
`fork`, `vfork`) or makes an event loop's poll (`epoll_create`,
`epoll_create1`) waits until the grader, which holds the listener, has noted
it and let it go on (SECCOMP_RET_USER_NOTIF). The child cannot skip the
question: the kernel asks before the call runs. Two more rules keep the
answers complete:

- `clone3` passes its flags in memory, out of the filter's and the
  listener's sight, so it answers "not implemented" and the C library falls
  back to `clone`, whose flags are in a register;
- `prctl(PR_SET_DUMPABLE)` is denied: a process that made itself undumpable
  would hide its state in /proc from a grader that does not run as root;
- timers that deliver a signal or a readable descriptor (`alarm`,
  `setitimer`, `timer_create`, `timerfd_create`) are denied: they could wake
  a child the grader has seen idle, between calls. asyncio needs none of
  them: its timers are the loop's own.

Compiled on the trusted side (with libseccomp, like the sandbox's filter);
the child installs it with `seccomp.listen` and hands the listener over.
"""

from __future__ import annotations

import errno
import functools
import os
import sys

from grader.sandbox.isolation import seccomp

#: The calls the grader is asked about, by what they make.
STARTS = ("clone", "fork", "vfork")
LOOPS = ("epoll_create", "epoll_create1")
_PR_SET_DUMPABLE = 4
#: Timers that wake a process from outside any wait the grader can see.
TIMERS = ("alarm", "setitimer", "timer_create", "timerfd_create")
#: The oldest kernel whose listener can hand a child a file of the grader's (ADDFD with SEND).
OLDEST_KERNEL = (5, 14)


@functools.cache
def compile_program() -> bytes:
    """The observer's filter, as the BPF program the child installs."""
    binding = seccomp.binding()
    rules = binding.SyscallFilter(defaction=binding.ALLOW)
    for name in (*STARTS, *LOOPS):
        seccomp.add(rules, binding, binding.NOTIFY, name)
    seccomp.add(rules, binding, binding.ERRNO(errno.ENOSYS), "clone3")
    seccomp.add(
        rules, binding, binding.ERRNO(errno.EPERM), "prctl",
        binding.Arg(0, binding.EQ, _PR_SET_DUMPABLE),
    )  # fmt: skip
    for name in TIMERS:
        seccomp.add(rules, binding, binding.ERRNO(errno.EPERM), name)
    return seccomp.export(rules)


@functools.cache
def unavailable() -> str:
    """Why no child can be observed from outside here, or "" when it can."""
    if not sys.platform.startswith("linux"):
        return "observing a child from outside needs Linux"
    release = os.uname().release.split("-")[0].split(".")
    try:
        version = (int(release[0]), int(release[1]))
    except (IndexError, ValueError):
        version = (0, 0)
    if version < OLDEST_KERNEL:
        oldest = ".".join(map(str, OLDEST_KERNEL))
        return f"observing a child from outside needs Linux {oldest} or newer"
    if os.uname().machine not in ("x86_64", "aarch64"):
        return f"observing a child from outside is not supported on {os.uname().machine}"
    try:
        compile_program()
    except Exception as error:  # the binding or libseccomp.so.2 is missing, or too old
        return f"no observer filter: {type(error).__name__}: {error} (pip install pyseccomp)"
    return ""
