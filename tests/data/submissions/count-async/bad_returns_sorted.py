"""Wrong: prints each number on time, but returns them sorted, not in the order printed."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}

    async def one(k):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return list(range(1, n + 1))
