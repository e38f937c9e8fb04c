"""Sleeps once for the longest pause, then prints everything in order."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    await asyncio.sleep(max(pauses.values(), default=0))
    order = sorted(range(1, n + 1), key=lambda k: (pauses.get(k, 0), k))
    for k in order:
        print(k)
    return order
