"""A task that raises, made and forgotten: its exception is never retrieved."""

import asyncio
import gc


async def fail():
    raise ValueError("lost")


async def run():
    task = asyncio.create_task(fail())
    await asyncio.sleep(0.01)
    del task
    gc.collect()
    return "done"
