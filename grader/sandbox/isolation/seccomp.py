"""The seccomp filter every isolated child loads before its submission is imported.

A deny list of the kernel's usual escape hatches, each answered with an
error (never a kill, so a submission that tries one is told, and graded):
tracing other processes, the keyring, BPF, io_uring, mounting and namespace
changes, module loading and the like; sockets of any family but Unix, IPv4
and IPv6 (no netlink, packet or vsock sockets); and TIOCSTI. Under Landlock,
which covers TCP only, UDP and raw sockets and `socket(AF_UNIX, ...)` are
denied too (socketpairs, which asyncio needs, stay allowed), and so are what
would connect past Landlock's TCP rule (MPTCP and SCTP streams, TCP Fast
Open) or bind past its bind rule (`listen`, which binds an unbound socket
to a free port on every address), and System V IPC and POSIX message queues, which no namespace
confines there. System calls of another architecture (32-bit calls on
x86-64) kill the process.

The filter is compiled on the trusted side with libseccomp, through its
Python binding (`seccomp`, libseccomp's own, when installed, else
`pyseccomp`, the same API over ctypes, from PyPI), and crosses as BPF bytes;
the child loads it with one prctl, so the binding is never imported there.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import socket
import threading
from enum import StrEnum
from types import ModuleType
from typing import Any

from grader.sandbox import wire


class Profile(StrEnum):
    NAMESPACES = "namespaces"  # the child has a network namespace of its own
    LANDLOCK = "landlock"  # the host's network: datagrams and Unix sockets denied too


#: Denied outright, with EPERM.
DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "keyctl", "add_key", "request_key",
    "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr",
    "unshare", "setns",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "syslog", "vhangup",
    "name_to_handle_at", "open_by_handle_at", "lookup_dcookie", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
)  # fmt: skip

#: Namespace flags `clone` may not be given.
_CLONE_NAMESPACES = 0x10000000 | 0x00020000 | 0x20000000 | 0x40000000 | 0x08000000 | 0x04000000
#: ioctl requests denied: pushing input into a terminal, the Linux console's extras.
_TIOCSTI, _TIOCLINUX = 0x5412, 0x541C
_ALLOWED_FAMILIES = (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6)
_SOCK_STREAM, _SOCK_TYPE_MASK = 1, 0xF
_MSG_FASTOPEN, _TCP_FASTOPEN_CONNECT = 0x20000000, 30
_SYSV_IPC = ("msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl",
             "shmget", "shmat", "shmdt", "shmctl")  # fmt: skip
#: POSIX message queues live in the IPC namespace too (mq_open makes one even where Landlock
#: then refuses to open it), and outlive the process that made them.
_POSIX_MQ = ("mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify",
             "mq_getsetattr")  # fmt: skip


def binding() -> ModuleType:
    """libseccomp's Python binding: its own module when installed, else pyseccomp."""
    try:
        import seccomp  # type: ignore[import-not-found]
    except ImportError:
        import pyseccomp as seccomp  # type: ignore[import-untyped]
    return seccomp  # type: ignore[no-any-return]


@functools.cache
def unavailable() -> str:
    """Why no filter can be built here, or "" when it can."""
    try:
        compile_filter(Profile.NAMESPACES)
    except Exception as error:  # the binding or libseccomp.so.2 is missing, or too old
        return f"no seccomp filter: {type(error).__name__}: {error} (pip install pyseccomp)"
    return ""


@functools.cache
def compile_filter(profile: Profile) -> bytes:
    """The filter for `profile`, as the BPF program the kernel loads."""
    seccomp = binding()
    denied = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        add(rules, seccomp, denied, name)
    for flag in _flags(_CLONE_NAMESPACES):
        add(rules, seccomp, denied, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # clone3 passes its flags in memory, out of the filter's sight: "not implemented"
    # makes the C library fall back to clone, which the rules above can read.
    add(rules, seccomp, seccomp.ERRNO(errno.ENOSYS), "clone3")
    for request in (_TIOCSTI, _TIOCLINUX):
        add(rules, seccomp, denied, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request))
    no_family = seccomp.ERRNO(errno.EAFNOSUPPORT)
    top = max(_ALLOWED_FAMILIES)
    for family in range(top):
        if family not in _ALLOWED_FAMILIES:
            add(rules, seccomp, no_family, "socket", seccomp.Arg(0, seccomp.EQ, family))
    add(rules, seccomp, no_family, "socket", seccomp.Arg(0, seccomp.GT, top))
    if profile is Profile.LANDLOCK:
        add(rules, seccomp, no_family, "socket", seccomp.Arg(0, seccomp.EQ, socket.AF_UNIX))
        for family in (socket.AF_INET, socket.AF_INET6):
            for kind in range(_SOCK_TYPE_MASK + 1):
                if kind != _SOCK_STREAM:
                    add(
                        rules,
                        seccomp,
                        denied,
                        "socket",
                        seccomp.Arg(0, seccomp.EQ, family),
                        seccomp.Arg(1, seccomp.MASKED_EQ, _SOCK_TYPE_MASK, kind),
                    )
            # Landlock's connect rule is TCP's alone: MPTCP and SCTP streams would pass it.
            add(rules, seccomp, denied, "socket", seccomp.Arg(0, seccomp.EQ, family),
                 seccomp.Arg(2, seccomp.GT, socket.IPPROTO_TCP))  # fmt: skip
        # TCP Fast Open connects inside sendto/sendmsg, where Landlock does not look.
        fast_open = _MSG_FASTOPEN
        for name, flags_at in (("sendto", 3), ("sendmsg", 2), ("sendmmsg", 3)):
            add(rules, seccomp, denied, name,
                 seccomp.Arg(flags_at, seccomp.MASKED_EQ, fast_open, fast_open))  # fmt: skip
        add(rules, seccomp, denied, "setsockopt", seccomp.Arg(1, seccomp.EQ, socket.IPPROTO_TCP),
             seccomp.Arg(2, seccomp.EQ, _TCP_FASTOPEN_CONNECT))  # fmt: skip
        # listen() on an unbound socket binds it to a free port on every address, out of sight
        # of Landlock's bind rule: a listener on the host, and a way to use up its ports.
        add(rules, seccomp, denied, "listen")
        # No IPC namespace here: System V objects and POSIX message queues would outlive the
        # check, seen by the next.
        for name in (*_SYSV_IPC, *_POSIX_MQ):
            add(rules, seccomp, denied, name)
    return export(rules)


def export(rules: Any) -> bytes:
    """A libseccomp filter as the BPF program the kernel loads."""
    read, write = os.pipe()
    # export_bpf writes the whole program before it returns: one larger than the pipe's
    # buffer would block it for good, were it not read meanwhile, on a thread.
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(wire.read_all(read)))
    reader.start()
    with os.fdopen(write, "wb") as sink:
        rules.export_bpf(sink)
    reader.join()
    os.close(read)
    return b"".join(chunks)


def add(rules: Any, seccomp: ModuleType, action: Any, name: str, *args: Any) -> None:
    """One rule; a call this kernel's libseccomp does not know is left out."""
    try:
        rules.add_rule(action, name, *args)
    except RuntimeError:
        pass  # a call this kernel's libseccomp does not know: nothing to deny
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EEXIST, errno.EDOM):
            raise


def _flags(mask: int) -> list[int]:
    return [1 << bit for bit in range(mask.bit_length()) if mask & (1 << bit)]


# -- inside the child -----------------------------------------------------------

#: Also set by Landlock before it restricts a process.
PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2


class _Program(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def load(program: bytes) -> None:
    """Install `program` on this process and every process it starts (no new privileges first)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.addressof(buffer))
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


#: seccomp(2)'s number, by machine: prctl cannot ask for a listener.
_SECCOMP_SYSCALL = {"x86_64": 317, "aarch64": 277}
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_NEW_LISTENER = 1, 1 << 3
#: Linux 5.19+: once the grader has a call's notification, only a fatal signal interrupts it.
_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 1 << 5


def listen(program: bytes) -> int:
    """Install `program`, whose notifications go to a listener; its file descriptor.

    The listener is for the trusted side: the caller hands it over and closes
    its own copy before any submission code runs (a process may have one
    listener in its filters, so the submission cannot ask for another).
    """
    number = _SECCOMP_SYSCALL.get(os.uname().machine)
    if number is None:
        raise OSError(errno.ENOSYS, f"no seccomp(2) number known for {os.uname().machine}")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.addressof(buffer))
    # Without the killable wait (older kernels) an interrupted call restarts and is asked
    # again; the listener counts a call once it goes on, so either way it counts once.
    for flags in (
        _SECCOMP_FILTER_FLAG_NEW_LISTENER | _SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
        _SECCOMP_FILTER_FLAG_NEW_LISTENER,
    ):
        fd = libc.syscall(number, _SECCOMP_SET_MODE_FILTER, flags, ctypes.byref(fprog))
        if fd >= 0 or ctypes.get_errno() != errno.EINVAL:
            break
    if fd < 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER) failed")
    return int(fd)
