"""Hostile: in each call, forks to the process limit and fills 480 MB in every process.

480 MB stays under the per-process limit (512 MB), so only a limit on all of
the check's processes together stops it: 64 of them would take 30 GB.
"""

import os
import time


def fill() -> None:
    block = bytearray(480 * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1  # touched, so the memory is really used
    time.sleep(30)


async def count(n=30, pauses=None):
    for _ in range(100):
        try:
            pid = os.fork()
        except OSError:
            break  # at the process limit
        if pid == 0:
            fill()
            os._exit(0)
    fill()
    return list(range(1, n + 1))
