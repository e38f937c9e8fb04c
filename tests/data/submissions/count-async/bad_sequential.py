"""Sequential: awaits each number's pause in turn."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []
    for k in range(1, n + 1):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        order.append(k)
    return order
