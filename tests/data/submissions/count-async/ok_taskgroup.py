"""Correct: a TaskGroup."""

import asyncio


async def count(n: int = 30, pauses: dict[int, float] | None = None) -> list[int]:
    pauses = pauses or {}
    printed: list[int] = []

    async def one(k: int) -> None:
        if k in pauses:
            await asyncio.sleep(pauses[k])
        else:
            await asyncio.sleep(0)
        print(k, flush=True)
        printed.append(k)

    async with asyncio.TaskGroup() as group:
        for k in range(1, n + 1):
            group.create_task(one(k))
    return printed
