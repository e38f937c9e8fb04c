"""A hostile submission: each function tries one attack and reports what it achieved.

The conformance suite (tests/sandbox/test_isolation.py) calls these from the trusted
side with real targets and checks, from the outside, that the attack failed
and changed nothing. Each returns plain data: what it got, or the error that
stopped it. Writes to files the suite cannot restore are made without
changing a byte (opened for update, nothing written), so a backend that fails
to protect them is caught without harm.
"""

import ctypes
import errno
import os
import socket
import time


def _error(exc):
    return f"{type(exc).__name__}: {exc}"


def read(path):
    """Read the start of a file outside the sandbox."""
    try:
        with open(path, "rb") as file:
            return {"got": file.read(200).decode("utf-8", "replace")}
    except OSError as exc:
        return {"error": _error(exc)}


def probe_write(path):
    """Open a file for writing without changing it: proof enough that it could be changed."""
    try:
        with open(path, "r+b"):
            return {"got": "opened for writing"}
    except OSError as exc:
        return {"error": _error(exc)}


def overwrite(path):
    """Replace a file's content (only for the suite's own scratch copies)."""
    try:
        with open(path, "w") as file:
            file.write('{"score": 0}')
        return {"got": "overwritten"}
    except OSError as exc:
        return {"error": _error(exc)}


def create(folder):
    """Write a new file into a folder outside the scratch folder."""
    try:
        with open(os.path.join(folder, "planted.py"), "w") as file:
            file.write("planted")
        return {"got": "created"}
    except OSError as exc:
        return {"error": _error(exc)}


def processes():
    """List every process this child can see, with its command line."""
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError as exc:
        return {"error": _error(exc)}
    seen = {}
    for entry in entries:
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                seen[entry] = cmdline.read().replace(b"\0", b" ").decode("utf-8", "replace")[:200]
        except OSError:
            seen[entry] = ""
    return {"got": seen, "mine": [str(os.getpid()), str(os.getppid())]}


def send_signal(pid, number):
    """Signal a process outside the sandbox."""
    try:
        os.kill(pid, number)
        return {"got": "sent"}
    except OSError as exc:
        return {"error": _error(exc)}


def connect(host, port, how="tcp"):
    """Open a connection to a listener of the host: plain TCP, MPTCP, or TCP Fast Open."""
    try:
        if how == "tcp":
            with socket.create_connection((host, port), timeout=1.0) as sock:
                sock.sendall(b"stolen hidden checks")
        elif how == "mptcp":
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262) as sock:  # IPPROTO_MPTCP
                sock.settimeout(1.0)
                sock.connect((host, port))
                sock.sendall(b"stolen hidden checks")
        else:  # fast open: the connection is made by sendto itself
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.settimeout(1.0)
                sock.sendto(b"stolen hidden checks", 0x20000000, (host, port))  # MSG_FASTOPEN
        return {"got": "connected"}
    except OSError as exc:
        return {"error": _error(exc)}


def sysv_ipc(key):
    """Make a System V message queue, semaphore set and shared memory segment under `key`."""
    libc = ctypes.CDLL(None, use_errno=True)
    made = {}
    for name, call in (
        ("msgget", lambda: libc.msgget(key, 0o1666)),
        ("semget", lambda: libc.semget(key, 1, 0o1666)),
        ("shmget", lambda: libc.shmget(key, 4096, 0o1666)),
    ):
        result = call()
        made[name] = "made" if result >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    return made


def send_datagram(host, port):
    """Send a UDP datagram to the host (what a DNS exfiltration would do)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"stolen hidden checks", (host, port))
        return {"got": "sent"}
    except OSError as exc:
        return {"error": _error(exc)}


def outlive(seconds):
    """Leave a process behind: a grandchild in a session of its own, reparented, sleeping."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(write_end, str(os.getpid()).encode())
            os.close(write_end)
            time.sleep(seconds)
            os._exit(0)
        os._exit(0)
    os.close(write_end)
    pid = os.read(read_end, 64).decode()
    return {"got": f"left {pid} running"}


def fill(limit_bytes, extra_bytes):
    """Write files into the scratch folder until the disk says no, or past its limit."""
    written = 0
    chunk = b"x" * (1 << 20)
    index = 0
    while written < limit_bytes + extra_bytes:
        try:
            with open(f"fill-{index}.bin", "wb") as file:
                for _ in range(4):
                    file.write(chunk)
                    written += len(chunk)
        except OSError as exc:
            return {"written": written, "error": _error(exc)}
        index += 1
    return {"written": written}


def privileges():
    """What the child holds: capabilities, no-new-privileges, its uid; and the escape hatches."""
    status = {}
    try:
        with open("/proc/self/status") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key in ("CapInh", "CapPrm", "CapEff", "CapAmb", "NoNewPrivs", "Seccomp", "Uid"):
                    status[key] = value.split()[0]
    except OSError as exc:
        status["error"] = _error(exc)
    libc = ctypes.CDLL(None, use_errno=True)
    hatches = {}

    def attempt(name, call):
        result = call()
        hatches[name] = "allowed" if result >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")

    attempt("unshare a user namespace", lambda: libc.unshare(0x10000000))
    attempt("ptrace its parent", lambda: libc.ptrace(16, os.getppid(), 0, 0))  # PTRACE_ATTACH
    attempt("keyctl", lambda: libc.syscall(250, 0, 0, 0, 0))  # KEYCTL_GET_KEYRING_ID
    attempt("bpf", lambda: libc.syscall(321, 0, 0, 0))
    attempt("io_uring_setup", lambda: libc.syscall(425, 1, None))
    attempt("mount", lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
    for name, family in (("netlink", 16), ("packet", 17), ("vsock", 40)):
        try:
            socket.socket(family, socket.SOCK_RAW if family != 40 else socket.SOCK_STREAM).close()
            hatches[f"{name} socket"] = "allowed"
        except OSError as exc:
            hatches[f"{name} socket"] = errno.errorcode.get(exc.errno or 0, "?")
    try:
        import fcntl
        import termios

        fd = os.open("/dev/tty", os.O_RDWR)
        fcntl.ioctl(fd, termios.TIOCSTI, b"x")
        hatches["TIOCSTI"] = "allowed"
    except OSError as exc:
        hatches["TIOCSTI"] = errno.errorcode.get(exc.errno or 0, "?")
    return {"status": status, "hatches": hatches}


def answer():
    """A harmless call: the victim's proof that it still serves."""
    return "still here"
