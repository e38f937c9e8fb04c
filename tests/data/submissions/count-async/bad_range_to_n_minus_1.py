"""Wrong: range(1, n) stops at n - 1: the last number is never printed."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    printed = []

    async def one(k):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n)))
    return printed
