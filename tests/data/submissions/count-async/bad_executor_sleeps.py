"""The pauses slept in a pool of threads (time.sleep through run_in_executor), not on the loop."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=32)


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []
    loop = asyncio.get_running_loop()

    async def one(k):
        if k in pauses:
            await loop.run_in_executor(POOL, time.sleep, pauses[k])
        print(k)
        order.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return order
