"""More hostile calls for the conformance suite (tests/test_attacks_isolation.py).

Like tests/hostile/probe.py, each function tries one attack and returns
plain data: what it got, or the error that stopped it. The suite checks
from outside that nothing was reached.
"""

import contextlib
import ctypes
import errno
import mmap
import os
import signal
import socket


def _error(exc):
    return f"{type(exc).__name__}: {exc}"


def _errno():
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def peek_process(pid):
    """Read another process's secrets by its pid: environment, command line, folder, fds."""
    got = {}
    for name in ("environ", "cmdline", "status"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as file:
                got[name] = file.read(300).decode("utf-8", "replace")
        except OSError as exc:
            got[name] = "error: " + _error(exc)
    for name in ("cwd", "root", "exe", "fd/0", "fd/3"):
        try:
            got[name] = os.readlink(f"/proc/{pid}/{name}")
        except OSError as exc:
            got[name] = "error: " + _error(exc)
    for name in ("cwd", "root", "fd"):
        try:
            got[f"list {name}"] = sorted(os.listdir(f"/proc/{pid}/{name}"))[:20]
        except OSError as exc:
            got[f"list {name}"] = "error: " + _error(exc)
    return got


def signal_everyone(number, group):
    """kill(-1), the grader's process group, and a pidfd: every broad way to signal outside."""
    done = {}
    for name, call in (
        ("kill(-1)", lambda: os.kill(-1, number)),
        ("killpg(group)", lambda: os.killpg(group, number)),
    ):
        try:
            call()
            done[name] = "sent"
        except OSError as exc:
            done[name] = _error(exc)
    return done


def signal_by_pidfd(pid, number):
    """pidfd_open + pidfd_send_signal: a signal by file descriptor, not by pid."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(434, pid, 0)  # pidfd_open
    if fd < 0:
        return {"error": "pidfd_open: " + _errno()}
    try:
        if libc.syscall(424, fd, number, None, 0) != 0:  # pidfd_send_signal
            return {"error": "pidfd_send_signal: " + _errno()}
        stolen = libc.syscall(438, fd, 3, 0)  # pidfd_getfd: its message pipe
        return {"got": "sent", "pidfd_getfd": "stole one" if stolen >= 0 else _errno()}
    finally:
        os.close(fd)


def connect_unix(path, abstract):
    """Connect to a host's Unix socket, by path or by abstract name, and say something."""
    address = "\0" + abstract if abstract else path
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(address)
            sock.sendall(b"stolen hidden checks")
        return {"got": "connected"}
    except OSError as exc:
        return {"error": _error(exc)}


def hatches():
    """The seccomp filter's deny list, beyond tests/hostile/probe.py's: each call's answer."""
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getppid()
    answers = {}

    def attempt(name, call):
        result = call()
        answers[name] = "allowed" if result >= 0 else _errno()

    buffer = ctypes.create_string_buffer(16)
    local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 16)
    remote = (ctypes.c_void_p * 2)(0x400000, 16)
    attempt("process_vm_readv", lambda: libc.syscall(310, parent, local, 1, remote, 1, 0))
    attempt("kcmp", lambda: libc.syscall(312, os.getpid(), parent, 0, 0, 0))
    attempt("perf_event_open", lambda: libc.syscall(298, None, 0, -1, -1, 0))
    attempt("userfaultfd", lambda: libc.syscall(323, 0))
    attempt("setns", lambda: libc.syscall(308, 0, 0))
    attempt("clone(CLONE_NEWUSER)", lambda: libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0))
    attempt("clone3", lambda: libc.syscall(435, None, 0))
    attempt("add_key", lambda: libc.syscall(248, b"user", b"k", b"v", 1, -2))
    attempt("open_by_handle_at", lambda: libc.syscall(304, -100, None, 0))
    attempt("clock_settime", lambda: libc.syscall(227, 0, None))
    attempt("kexec_load", lambda: libc.syscall(246, 0, 0, None, 0))
    attempt("init_module", lambda: libc.syscall(175, None, 0, b""))
    attempt("chroot", lambda: libc.chroot(b"/"))
    for value in answers.values():  # a clone that was allowed made a child: reap it
        if value == "allowed":
            with contextlib.suppress(ChildProcessError):
                os.waitpid(-1, os.WNOHANG)
    return answers


#: x86-64: `mov eax, 20; int 0x80; ret`, getpid by the 32-bit table.
_FOREIGN = b"\xb8\x14\x00\x00\x00\xcd\x80\xc3"


def foreign_call():
    """A 32-bit system call from a 64-bit process, in a fork: how the fork ended."""
    if os.uname().machine != "x86_64":
        return {"skipped": os.uname().machine}
    pid = os.fork()
    if pid == 0:
        try:
            page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
            page.write(_FOREIGN)
            address = ctypes.addressof(ctypes.c_char.from_buffer(page))
            ctypes.CFUNCTYPE(ctypes.c_int)(address)()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"killed": signal.Signals(os.WTERMSIG(status)).name}
    return {"exited": os.WEXITSTATUS(status)}


def posix_queue(name):
    """Make a POSIX message queue `name` anyone may read, with a message in it."""
    libc = ctypes.CDLL(None, use_errno=True)
    os.umask(0)
    fd = libc.mq_open(name.encode(), os.O_CREAT | os.O_RDWR, 0o666, None)
    if fd < 0:
        return {"error": "mq_open: " + _errno()}
    sent = libc.mq_send(fd, b"the answers", 11, 0)
    return {"got": f"made, sent {sent}"}


_HELD = []


def listen_anywhere():
    """listen() without bind: the kernel picks a port, on every address of the machine."""
    try:
        sock = socket.socket()
        sock.listen()
    except OSError as exc:
        return {"error": _error(exc)}
    _HELD.append(sock)  # kept open: the suite tries to reach it
    return {"got": sock.getsockname()[1]}
