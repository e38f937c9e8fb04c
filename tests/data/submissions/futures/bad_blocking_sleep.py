"""deliver_later sleeps with time.sleep before returning: it blocks the loop."""

import asyncio
import time


def deliver_later(value, delay):
    future = asyncio.get_running_loop().create_future()
    time.sleep(delay)
    future.set_result(value)
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return next(task for task in tasks if task in done).result()
