"""Kills the process that started it."""

import os
import signal


async def count(n=30, pauses=None):
    os.kill(os.getppid(), signal.SIGKILL)
    return list(range(1, n + 1))
