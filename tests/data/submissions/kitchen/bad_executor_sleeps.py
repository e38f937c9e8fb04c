"""cook sleeps in a thread (time.sleep through run_in_executor): the loop is free, but idle."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=32)


async def cook(dish, seconds):
    await asyncio.get_running_loop().run_in_executor(POOL, time.sleep, seconds)
    return dish


async def make_breakfast(menu):
    ready = []

    async def one(dish):
        ready.append(await cook(dish, menu[dish]))

    await asyncio.gather(*(one(dish) for dish in menu))
    return ready
