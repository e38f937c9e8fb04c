"""count-async plain: sorted, blocking lock.acquire(timeout=...) waits on the loop's thread."""

import asyncio
import threading
import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    plan = sorted(((k, pauses.get(k, 0)) for k in range(1, n + 1)), key=lambda kp: kp[1])
    start = time.monotonic()
    lock = threading.Lock()
    lock.acquire()
    out = []
    for k, pause in plan:
        delay = start + pause - time.monotonic()
        if delay > 0:
            lock.acquire(timeout=delay)
        print(k, flush=True)
        out.append(k)
    await asyncio.gather()
    return out
