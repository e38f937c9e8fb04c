"""erin: count-async, broken: runs a demo and exits when it is imported."""

import asyncio
import sys


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []

    async def one(k):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        order.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return order


print(asyncio.run(count(5)))
sys.exit(0)
