"""A child's start, inside the sandbox: from the zygote's fork to a server that imports the file.

Three processes, all of them trusted code until the very last step:

1. the zygote's fork takes its file descriptors; with namespaces it enters
   the check's own, forks the keeper, tells the zygote the keeper's pid and
   exits (without, it is the keeper itself);
2. the keeper: PID 1 of the check (namespaces), else a session leader that
   adopts the check's orphans. It furnishes the check (its /proc, scratch
   folder, the submission's copy, a loopback), hands the grader a listening
   socket when asked (before any submission code exists), forks the server,
   waits for it and reports how it ended (`Op.EXIT`). It never runs the
   submission's code, and the submission can neither signal nor trace it;
3. the server: changes to the child's uid, drops every capability, sets its
   resource limits, restricts itself (Landlock) and loads the seccomp filter;
   installs the observer's filter and hands its listener to the grader
   (`grader.sandbox.observation`); only then does `grader.sandbox.server`
   import the submission. No thread of the grader's is left in it.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import os
import resource
import signal
import socket
import sys
from dataclasses import dataclass, field
from typing import Any, NoReturn

from grader.sandbox import wire
from grader.sandbox.isolation import Backend

# Where the child's descriptors sit once the intermediate has arranged them.
FD_OUT, FD_IN, FD_STDOUT, FD_STDERR, FD_SUBMISSION = 3, 4, 5, 6, 7
FD_OBSERVE, FD_HANDOFF, FD_REPORT = 8, 9, 10
_ORDER = (FD_OUT, FD_IN, FD_STDOUT, FD_STDERR, FD_SUBMISSION, FD_OBSERVE, FD_HANDOFF)
_HIGH = 100

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
#: Devices every child may open: reading zeros and randomness, writing into nothing.
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


@dataclass(frozen=True)
class Setup:
    """What the zygote was started with: the same for every child it forks."""

    backend: Backend
    seccomp: bytes = b""  # the BPF program; empty: no filter
    paths: tuple[str, ...] = ()  # sys.path entries for packages and the grader's modules
    private: tuple[str, ...] = ()  # sys.path entries the submission must not keep
    read: tuple[str, ...] = ()  # what Landlock lets a child read
    listed: tuple[str, ...] = ()  # folders Landlock lets it list, not read (package folders)
    workdir: str = ""  # where per-check folders are made (without a mount namespace)
    preload: tuple[str, ...] = ()  # modules the zygote imports once, for every child
    diagnose: bool = True  # the diagnostics' instrumentation (off only to measure its cost)
    observe: bytes = b""  # the observer's BPF program; empty: not observed from outside

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": str(self.backend),
            "seccomp": base64.b64encode(self.seccomp).decode(),
            "paths": list(self.paths),
            "private": list(self.private),
            "read": list(self.read),
            "listed": list(self.listed),
            "workdir": self.workdir,
            "preload": list(self.preload),
            "diagnose": self.diagnose,
            "observe": base64.b64encode(self.observe).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Setup:
        return cls(
            backend=Backend(data["backend"]),
            seccomp=base64.b64decode(data["seccomp"]),
            paths=tuple(data["paths"]),
            private=tuple(data["private"]),
            read=tuple(data["read"]),
            listed=tuple(data["listed"]),
            workdir=str(data["workdir"]),
            preload=tuple(data["preload"]),
            diagnose=bool(data.get("diagnose", True)),
            observe=base64.b64decode(data.get("observe", "")),
        )


@dataclass(frozen=True)
class Order:
    """What the grader asks of one child (the `Op.SPAWN` message)."""

    id: int
    name: str  # the submission's file name, for its copy
    limits: dict[str, int] = field(default_factory=dict)
    uid: int | None = None  # the unprivileged uid to become (the grader is root)
    listen: bool = False  # hand the grader a listening socket (namespaces backend)
    port: int | None = None  # the grader's own listener the child may reach (other backends)
    folder: str = ""  # the check's own folder (without a mount namespace)
    joins: int = 0  # the last descriptors are control groups' cgroup.procs, to join first

    def to_json(self) -> dict[str, Any]:
        return {
            "op": wire.Op.SPAWN, "id": self.id, "name": self.name, "limits": self.limits,
            "uid": self.uid, "listen": self.listen, "port": self.port, "folder": self.folder,
            "joins": self.joins,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Order:
        return cls(
            id=int(data["id"]),
            name=os.path.basename(str(data["name"])) or "submission.py",
            limits={str(k): int(v) for k, v in dict(data["limits"]).items()},
            uid=None if data.get("uid") is None else int(data["uid"]),
            listen=bool(data.get("listen")),
            port=None if data.get("port") is None else int(data["port"]),
            folder=str(data.get("folder", "")),
            joins=int(data.get("joins", 0)),
        )


def prctl(option: int, value: int) -> None:
    """prctl(2) with one value, on Linux; elsewhere nothing."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def begin(setup: Setup, order: Order, fds: list[int], report: int) -> None:
    """The zygote's fork: arrange the descriptors, enter the check's namespaces, become the keeper.

    With namespaces, the check's PID namespace takes effect for the next fork
    only, so this process forks the keeper (PID 1 there), reports its pid and
    exits; otherwise it is the keeper itself.
    """
    try:
        fds = join(fds, order.joins)  # first: every process of the check descends from this one
        signal.set_wakeup_fd(-1)  # the zygote's, about to be closed
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # Up out of the way first (the zygote has far fewer descriptors than _HIGH), then
        # everything else closed, then down into place.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, _HIGH) for fd in fds]
        high_report = fcntl.fcntl(report, fcntl.F_DUPFD_CLOEXEC, _HIGH)
        os.closerange(3, _HIGH)
        for fd, target in zip(high, _ORDER, strict=False):
            os.dup2(fd, target, inheritable=False)
        os.dup2(high_report, FD_REPORT, inheritable=False)
        os.closerange(FD_REPORT + 1, _max_fd())
        keeper_pid = 0
        if setup.backend is Backend.NAMESPACES:
            from grader.sandbox.isolation import namespaces

            namespaces.enter()
            keeper_pid = os.fork()
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.write(FD_REPORT, f"error: {type(error).__name__}: {error}".encode())
        os._exit(1)
    if keeper_pid:
        os.write(FD_REPORT, str(keeper_pid).encode())
        os._exit(0)  # the keeper, its child, is adopted by the zygote
    if setup.backend is not Backend.NAMESPACES:
        os.write(FD_REPORT, str(os.getpid()).encode())
    keep(setup, order)


def join(fds: list[int], count: int) -> list[int]:
    """Write this process into the control groups of the last `count` of `fds`; the rest.

    Each is a `cgroup.procs` the grader opened (`grader.sandbox.cgroup`): the
    kernel checks the write against the grader's rights, not this process's.
    """
    if count <= 0:
        return fds
    for fd in fds[-count:]:
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)
    return fds[:-count]


def keep(setup: Setup, order: Order) -> None:
    """The check's first process: furnish it, fork the server, report how the server ended."""
    try:
        os.close(FD_REPORT)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.lseek(FD_SUBMISSION, 0, os.SEEK_SET)  # the grader wrote it: it stands at the end
        content = wire.read_all(FD_SUBMISSION)
        uid = order.uid if order.uid is not None else os.getuid()
        if setup.backend is Backend.NAMESPACES:
            from grader.sandbox.isolation import namespaces

            scratch, path = namespaces.furnish(
                scratch_bytes=order.limits.get("scratch_bytes", 16 << 20), uid=uid,
                name=order.name, content=content,
            )  # fmt: skip
            if order.listen:
                with namespaces.listener() as sock, socket.socket(fileno=FD_HANDOFF) as handoff:
                    port = sock.getsockname()[1]
                    wire.send(handoff, {"op": wire.Op.LISTENING, "port": port}, [sock.fileno()])
        else:
            os.setsid()  # a group of its own, killed as one
            prctl(PR_SET_CHILD_SUBREAPER, 1)  # the check's orphans come here, not away
            prctl(PR_SET_PDEATHSIG, 9)
            scratch, path = _folder(order, uid, content)
        with contextlib.suppress(OSError):
            os.close(FD_HANDOFF)  # the grader has what it needed; the server never sees it
        server_pid = os.fork()
    except BaseException as error:
        _fail(error)
    if server_pid == 0:
        serve(setup, order, scratch, path, uid)
    for fd in (FD_IN, FD_STDOUT, FD_STDERR, FD_SUBMISSION, FD_OBSERVE, 1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, fd) if fd in (1, 2) else os.close(fd)
    while True:  # PID 1 of the check reaps every orphan, and ends when the server does
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        if pid == server_pid:
            with contextlib.suppress(OSError):
                code = os.waitstatus_to_exitcode(status)
                os.write(FD_OUT, wire.dumps({"op": wire.Op.EXIT, "code": code}))
            os._exit(0)


def _folder(order: Order, uid: int, content: bytes) -> tuple[str, str]:
    """Without a mount namespace: the check's scratch and submission folders, made by the zygote."""
    scratch = os.path.join(order.folder, "scratch")
    source = os.path.join(order.folder, "submission")
    os.makedirs(scratch, mode=0o700)
    os.makedirs(source, mode=0o755)
    if os.geteuid() == 0:
        os.chown(scratch, uid, uid)
    path = os.path.join(source, order.name)
    with open(path, "wb") as copy:
        copy.write(content)
    os.chmod(path, 0o444)
    return scratch, path


def serve(setup: Setup, order: Order, scratch: str, path: str, uid: int) -> None:
    """The child's last process: drop everything, restrict itself, then serve the submission."""
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(FD_STDOUT, 1)
        os.dup2(FD_STDERR, 2)
        os.closerange(FD_STDOUT, FD_OBSERVE)  # the observer's channel stays, until it is used
        os.closerange(FD_OBSERVE + 1, _max_fd())
        for fd in (FD_OUT, FD_IN):
            os.set_inheritable(fd, False)  # the submission's own subprocesses get no channel
        os.environ.clear()
        os.environ.update(
            {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": scratch, "TMPDIR": scratch}
        )
        prctl(PR_SET_PDEATHSIG, 9)  # dies with its keeper
        apply_limits(order.limits)
        from grader.sandbox.isolation import identity

        identity.become(order.uid)
        os.chdir(scratch)  # its own uid's folder, out of reach until now
        if setup.backend is Backend.LANDLOCK:
            from grader.sandbox.isolation import landlock

            own = f"/proc/{os.getpid()}"  # its own entries only: no other process is listed
            landlock.restrict(
                [*setup.read, os.path.dirname(path), own], [scratch], listed=setup.listed,
                devices=DEVICES, port=order.port,
            )  # fmt: skip
        if setup.seccomp:
            from grader.sandbox.isolation import seccomp

            seccomp.load(setup.seccomp)
        sys.path[:] = [p for p in sys.path if p not in setup.private]
        sys.stdout.reconfigure(line_buffering=True, write_through=True)  # type: ignore[union-attr]
        from grader.sandbox.server import Server

        serving = Server(FD_OUT, FD_IN, path, diagnose=setup.diagnose)
        observe(setup.observe)
    except BaseException as error:
        _fail(error)
    serving.serve()


def observe(program: bytes) -> None:
    """Install the observer's filter; hand its listener to the grader (FD_OBSERVE), then close.

    The kernel writes this process's pid on the message (the grader reads it
    with SO_PASSCRED), so the grader knows which process to look at. If the
    filter cannot be installed here, the grader is told why, and the
    submission runs unobserved (every report says so).
    """
    with socket.socket(fileno=FD_OBSERVE) as channel:
        if not program:
            return  # not asked for: the grader sees the channel close
        from grader.sandbox.isolation import seccomp

        try:
            listener = seccomp.listen(program)
        except OSError as error:
            wire.send(channel, {"op": wire.Op.OBSERVING, "error": str(error)})
            return
        try:
            wire.send(channel, {"op": wire.Op.OBSERVING}, [listener])
        finally:
            os.close(listener)


def _fail(error: BaseException) -> NoReturn:
    """The child could not be set up: the grader's failure, not the submission's."""
    with contextlib.suppress(OSError):
        reason = f"{type(error).__name__}: {error}"
        os.write(FD_OUT, wire.dumps({"op": wire.Op.FAILED, "reason": reason}))
    os._exit(1)


def apply_limits(limits: dict[str, int]) -> None:
    """Set soft and hard limits, so the submission cannot raise them again."""
    pairs = {
        resource.RLIMIT_CPU: (limits["cpu_seconds"], limits["cpu_seconds"] + 1),
        # RLIMIT_DATA, not RLIMIT_AS: address-space limits starve thread stacks.
        resource.RLIMIT_DATA: (limits["memory_bytes"],) * 2,
        resource.RLIMIT_FSIZE: (limits["file_bytes"],) * 2,
        resource.RLIMIT_NOFILE: (limits["open_files"],) * 2,
        resource.RLIMIT_NPROC: (limits["processes"],) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, pair in pairs.items():
        # A hard limit already lower than ours stays: setrlimit refuses to raise it.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, pair)


def _max_fd() -> int:
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return soft if 0 < soft < 1 << 20 else 1 << 16
