"""Forks children that outlive the call, one of them in a session of its own."""

import os
import time


async def count(n=30, pauses=None):
    for escape in (False, False, True):
        if os.fork() == 0:
            if escape:
                os.setsid()
                if os.fork() != 0:
                    os._exit(0)  # the grandchild, reparented, lives on
            while True:
                time.sleep(1)
    return list(range(1, n + 1))
