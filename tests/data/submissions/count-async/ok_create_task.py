"""Correct: one task per number with create_task, awaited in turn."""

import asyncio


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = []

    async def one(k):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        order.append(k)

    tasks = [asyncio.create_task(one(k)) for k in range(1, n + 1)]
    for task in tasks:
        await task
    return order
