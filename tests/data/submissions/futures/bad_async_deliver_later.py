"""Wrong: deliver_later is a coroutine function, so calling it returns a coroutine, not a future."""

import asyncio


async def deliver_later(value, delay):
    await asyncio.sleep(delay)
    return value


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return next(task for task in tasks if task in done).result()
