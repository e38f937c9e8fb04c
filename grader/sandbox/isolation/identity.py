"""Who a child is: an unprivileged uid when the grader is root, and no capabilities ever.

Called in the child's server process, the last trusted step before its
submission is imported. As root, the child changes to its own uid (one of
`sandbox_uids`, chosen per child), which clears its capabilities; without
root, the uid stays and the capabilities the namespaces backend lent the
zygote are dropped: ambient, effective, permitted and inheritable.
"""

from __future__ import annotations

import ctypes
import os
import sys

_PR_SET_DUMPABLE = 4
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def become(uid: int | None) -> None:
    """Drop every privilege: change to `uid` (as root), then clear all capabilities."""
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    if uid is not None:
        # Changing uid made the process undumpable; its own /proc entries become root's.
        libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
