"""Wrong: each number prints first and pauses afterwards, so all come out at once, ascending."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    printed = []

    async def one(k):
        print(k)
        printed.append(k)
        await asyncio.sleep(pauses.get(k, 0))

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return printed
