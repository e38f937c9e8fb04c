"""The namespaces backend: bubblewrap for the zygote, fresh namespaces for every check.

Trusted side: `command` is the bwrap command line that starts the zygote with
nothing of the machine but the view, read-only, in an empty root: its own
user namespace (unless the grader is root, when the zygote starts as root with
only the capabilities it needs and each child changes to an unprivileged
uid), and its own PID, network, IPC and UTS namespaces. Each argument is one
protection, so reading the list is reading the policy.

Inside: the zygote's fork for a check calls `enter`, which gives the check new
PID, mount, network, IPC and UTS namespaces; its first process (the keeper,
PID 1 there) calls `furnish`: a fresh /proc that shows only the check's own
processes, a size-limited tmpfs as /tmp (the scratch folder), the submission's
copy on a read-only tmpfs, and a loopback interface. When the keeper dies, the
kernel kills every process of the check.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import os
import shutil
import socket
import struct
import subprocess

from grader.sandbox.isolation import view as views

#: Where the submission's copy appears inside a check.
SUBMISSION_DIR = "/opt/grader/submission"
#: The scratch folder inside a check.
SCRATCH_DIR = "/tmp"

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


def bwrap() -> str | None:
    return shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)), None
    )


def _flags(root: bool) -> list[str]:
    """Namespaces and privileges of the zygote: what every child starts from."""
    flags = [
        "--unshare-pid",  # sees only the sandbox's processes, can signal nothing outside
        "--unshare-net",  # no network: only a loopback of its own
        "--unshare-ipc",  # no System V IPC or POSIX queues of the host
        "--unshare-uts",  # a hostname of its own
        "--unshare-cgroup-try",  # the cgroup tree is not shown
        "--die-with-parent",  # the zygote and every child die with the grader
        "--new-session",  # no terminal to push input into (TIOCSTI)
        "--hostname", "sandbox",
        "--clearenv", "--setenv", "LANG", "C.UTF-8", "--setenv", "PATH", "/usr/bin:/bin",
    ]  # fmt: skip
    if not root:
        flags.append("--unshare-user")  # unprivileged: uids and capabilities of its own
    # Only what the zygote needs to give each check namespaces, mounts and a loopback;
    # every child drops them all before its submission is imported.
    needed = ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]
    if root:
        needed += ["CAP_SETUID", "CAP_SETGID"]  # to become the child's unprivileged uid
        flags += ["--cap-drop", "ALL"]
    for cap in needed:
        flags += ["--cap-add", cap]
    return flags


def command(view: views.View, program: list[str], *, root: bool) -> list[str]:
    """The bwrap command line that runs `program` (the zygote) inside the view."""
    binary = bwrap()
    if binary is None:
        raise OSError("bwrap is not installed")
    targets = [*view.system, *[f"{views.SITE}/{name}" for name in view.packages]]
    targets += [f"{views.LIB}/grader", SUBMISSION_DIR]
    args = [binary, *_flags(root)]
    # Parents bubblewrap creates are 0700 otherwise: an unprivileged child could not pass.
    for parent in views.parents(targets):
        if parent not in view.links:
            args += ["--perms", "0755", "--dir", parent]
    for path in view.system:
        args += ["--ro-bind", path, path]  # the interpreter and the system's libraries
    for path in view.hidden:
        args += ["--tmpfs", path]  # the base interpreter's own site-packages: not the view's
    for link, target in view.links.items():
        args += ["--symlink", target, link]
    for name, path in view.packages.items():
        args += ["--ro-bind", path, f"{views.SITE}/{name}"]  # only the packages asked for
    args += ["--ro-bind", view.grader, f"{views.LIB}/grader"]  # the grader's child-side code
    args += ["--perms", "0755", "--dir", SUBMISSION_DIR]
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--chdir", "/"]
    return [*args, "--", *program]


@functools.cache
def unavailable() -> str:
    """Why bubblewrap cannot make namespaces here, or "" when it can."""
    binary = bwrap()
    if binary is None:
        return "bubblewrap (bwrap) is not installed"
    root = os.geteuid() == 0
    probe = [binary, *_flags(root), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    true = shutil.which("true") or "/bin/true"
    try:
        done = subprocess.run(
            [*probe, "--", true], capture_output=True, text=True, timeout=20,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not run: {error}"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"bubblewrap cannot create namespaces here ({reason})"
    return ""


# -- inside the sandbox ------------------------------------------------------------


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = (
        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p,
    )  # fmt: skip
    return libc


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def enter() -> None:
    """Give the calling process's next child new PID, mount, network, IPC and UTS namespaces."""
    libc = _libc()
    flags = _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS
    _check(libc.unshare(flags), "unshare")


def _mount(source: str, target: str, kind: str | None, flags: int, data: str = "") -> None:
    libc = _libc()
    result = libc.mount(
        source.encode(), target.encode(), kind.encode() if kind else None, flags,
        data.encode() if data else None,
    )  # fmt: skip
    _check(result, f"mount {target}")


def furnish(*, scratch_bytes: int, uid: int, name: str, content: bytes) -> tuple[str, str]:
    """In the keeper (PID 1 of the check): its /proc, scratch, submission and loopback.

    Returns the scratch folder and the path of the submission's copy.
    """
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE)  # nothing leaks back into the zygote
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    options = f"size={scratch_bytes},nr_inodes=4096,mode=0700,uid={uid},gid={uid}"
    _mount("tmpfs", SCRATCH_DIR, "tmpfs", _MS_NOSUID | _MS_NODEV, options)
    if os.path.isdir("/dev/shm"):
        _mount(SCRATCH_DIR, "/dev/shm", None, _MS_BIND)  # shared memory counts as scratch
    _mount("tmpfs", SUBMISSION_DIR, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=4m,mode=0755")
    path = os.path.join(SUBMISSION_DIR, name)
    with open(path, "wb") as copy:
        copy.write(content)
    os.chmod(path, 0o644)
    _mount("tmpfs", SUBMISSION_DIR, None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
    loopback_up()
    return SCRATCH_DIR, path


def loopback_up() -> None:
    """Bring up `lo` in this network namespace: the check's only interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | _IFF_UP, b""))


def listener() -> socket.socket:
    """A TCP socket listening on 127.0.0.1 of this process's network namespace.

    In a check's keeper, that is the check's own; the grader makes its own
    with it too, for a child of a backend without a network namespace.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock
