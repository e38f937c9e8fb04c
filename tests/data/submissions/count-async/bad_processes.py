"""A process per paused number sleeps its pause; the coroutine prints each number as it ends.

Each process sleeps until a moment fixed before any is started, so a slow
start (a busy machine) does not change which ends first.
"""

import asyncio
import multiprocessing
import time


def _sleep_until(moment):
    time.sleep(max(0.0, moment - time.monotonic()))


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = [k for k in range(1, n + 1) if k not in pauses]
    for k in order:
        print(k)
    fork = multiprocessing.get_context("fork")
    start = time.monotonic()
    sleeping = {k: fork.Process(target=_sleep_until, args=(start + s,)) for k, s in pauses.items()}
    for process in sleeping.values():
        process.start()
    while sleeping:
        for k in sorted(k for k, process in sleeping.items() if not process.is_alive()):
            del sleeping[k]
            print(k)
            order.append(k)
        await asyncio.sleep(0.002)
    return order
