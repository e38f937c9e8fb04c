"""Sleeps without awaiting: every number comes out at once."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []

    async def one(k):
        asyncio.sleep(pauses.get(k, 0))
        print(k)
        order.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return order
