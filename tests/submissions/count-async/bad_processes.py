"""A process per paused number sleeps its pause; the coroutine prints each number as it ends."""

import asyncio
import multiprocessing
import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = [k for k in range(1, n + 1) if k not in pauses]
    for k in order:
        print(k)
    fork = multiprocessing.get_context("fork")
    sleeping = {k: fork.Process(target=time.sleep, args=(s,)) for k, s in pauses.items()}
    for process in sleeping.values():
        process.start()
    while sleeping:
        for k in sorted(k for k, process in sleeping.items() if not process.is_alive()):
            del sleeping[k]
            print(k)
            order.append(k)
        await asyncio.sleep(0.002)
    return order
