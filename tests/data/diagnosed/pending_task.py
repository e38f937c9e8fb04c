"""Tasks made and left running: the function returns before they finish."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []

    async def one(k):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        order.append(k)

    for k in range(1, n + 1):
        asyncio.create_task(one(k))  # noqa: RUF006 (the mistake this file makes)
    await asyncio.sleep(0)
    return order
