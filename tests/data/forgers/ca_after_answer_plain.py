"""count-async plain: the same sequential time.sleep printing, inside the call (no __del__)."""

import asyncio
import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    plan = sorted(((k, pauses.get(k, 0)) for k in range(1, n + 1)), key=lambda kp: kp[1])
    start = time.monotonic()
    await asyncio.gather(asyncio.sleep(0.03))
    for k, pause in plan:
        delay = start + pause - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        print(k, flush=True)
    return [k for k, _ in plan]
