"""time.sleep inside the coroutines: the loop is blocked, so the pauses add up."""

import asyncio
import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []

    async def one(k):
        time.sleep(pauses.get(k, 0))
        print(k)
        order.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return order
