"""count-async, done wrong: one pause after another (the baseline of the forgeries here)."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    printed = []
    for k in range(1, n + 1):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)
    return printed
