"""Prints in a precomputed order at once, then waits for the longest pause."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = sorted(range(1, n + 1), key=lambda k: (pauses.get(k, 0), k))
    for k in order:
        print(k)
    await asyncio.sleep(max(pauses.values(), default=0))
    return order
