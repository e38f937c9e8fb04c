"""Leaves a process behind that outlives its check, to tamper with the batch later."""

import os
import time


async def count(n=30, pauses=None):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        os._exit(0)
    return []
