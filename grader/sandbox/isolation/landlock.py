"""Landlock, through a small ctypes layer: a child restricts itself before its submission runs.

No maintained Python binding covers Landlock's network rules and scopes, and
the kernel interface is three system calls on three structures, so they are
spelled out here. A ruleset handles every access right this kernel knows;
what is not allowed by a rule is denied:

- reading (and executing) only the view's paths and the submission's copy,
  writing only the scratch folder, and /dev/null;
- TCP: connecting only to the port of the child's test server, binding none
  (ABI 4, Linux 6.7);
- signals and abstract Unix sockets only within the child's own processes
  (ABI 6, Linux 6.12): the grader and other children are out of reach.

The rules are best effort by ABI: what an older kernel cannot enforce is
reported by `gaps`, and every report names it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import stat
import sys
from collections.abc import Iterable

from grader.sandbox.isolation import Protection
from grader.sandbox.isolation.seccomp import PR_SET_NO_NEW_PRIVS

_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2

# Filesystem rights, by the ABI that introduced them.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = EXECUTE | READ_FILE | READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    )


class _PathBeneath(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


class _NetPort(ctypes.Structure):
    _fields_ = (("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _numbers() -> tuple[int, int, int] | None:
    return _SYSCALLS.get(os.uname().machine)


@functools.cache
def abi() -> int:
    """The Landlock ABI version of this kernel; 0 when it has none (or it is disabled)."""
    numbers = _numbers()
    if numbers is None or not sys.platform.startswith("linux"):
        return 0
    version = _libc().syscall(
        numbers[0], None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return max(0, int(version))


def unavailable() -> str:
    """Why Landlock cannot isolate a child here, or "" when it can."""
    if abi() < 1:
        return "this kernel has no Landlock (Linux 5.13 or newer, with landlock in its LSMs)"
    if os.geteuid() == 0:
        from grader.sandbox.isolation import view

        unreadable = _unreadable_by_others(view.interpreter())
        if unreadable:
            # A child runs as an unprivileged uid and imports from the interpreter's tree.
            return (
                f"the grader runs as root but {unreadable} is not readable by other users, "
                "so a child running as an unprivileged uid could not import from its Python "
                "(set GRADER_SANDBOX_PYTHON to an interpreter outside it, such as /usr/bin/python3)"
            )
    return ""


def gaps() -> list[Protection]:
    """What this kernel's Landlock cannot enforce."""
    version = abi()
    missing = [Protection.SCRATCH]  # Landlock limits each file's size, not the folder's
    if version < 4:
        missing.append(Protection.NETWORK)  # TCP rules came with ABI 4 (Linux 6.7)
    if version < 6:
        missing.append(Protection.SIGNALS)  # scoped signals came with ABI 6 (Linux 6.12)
    return missing


def _unreadable_by_others(executable: str) -> str:
    """The first folder or file on the way to the interpreter's tree that others cannot read."""
    tree = os.path.dirname(os.path.dirname(os.path.realpath(executable)))
    path = "/"
    for part in tree.strip("/").split("/"):
        path = os.path.join(path, part)
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return path
        if not mode & stat.S_IXOTH:
            return path
    return ""


def restrict(
    read: Iterable[str],
    write: Iterable[str],
    *,
    listed: Iterable[str] = (),
    devices: Iterable[str] = (),
    port: int | None,
) -> None:
    """Restrict this process and all it starts to the given paths and TCP port (irrevocable)."""
    numbers = _numbers()
    version = abi()
    if numbers is None or version < 1:
        raise OSError("Landlock is not available")
    create, add_rule, restrict_self = numbers
    libc = _libc()
    handled_fs = _FS_BY_ABI[max(v for v in _FS_BY_ABI if v <= version)]
    attr = _RulesetAttr(
        handled_fs,
        BIND_TCP | CONNECT_TCP if version >= 4 else 0,
        SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL if version >= 6 else 0,
    )
    # Older kernels accept the longer structure as long as what they do not know is zero.
    size = ctypes.sizeof(_RulesetAttr)
    ruleset = libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for path in read:
            _allow_path(libc, add_rule, ruleset, path, READ & handled_fs)
        for path in listed:
            _allow_path(libc, add_rule, ruleset, path, READ_DIR & handled_fs)
        for path in write:
            _allow_path(libc, add_rule, ruleset, path, handled_fs)
        for path in devices:
            _allow_path(libc, add_rule, ruleset, path, (READ_FILE | WRITE_FILE) & handled_fs)
        if port is not None and version >= 4:
            rule = _NetPort(CONNECT_TCP, port)
            if libc.syscall(add_rule, ruleset, _RULE_NET_PORT, ctypes.byref(rule), 0) != 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule (port {port}) failed")
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(restrict_self, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)


def _allow_path(libc: ctypes.CDLL, add_rule: int, ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # nothing there: nothing to allow
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= _FILE_RIGHTS  # directory rights on a file are refused
        rule = _PathBeneath(rights, fd)
        if libc.syscall(add_rule, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule ({path}) failed")
    finally:
        os.close(fd)
