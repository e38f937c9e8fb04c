"""cancels only the awaitables it was given, so losers passed as coroutines keep running."""

import asyncio


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, lambda: future.done() or future.set_result(value))
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for aw in aws:
        if isinstance(aw, asyncio.Future) and not aw.done():
            aw.cancel()  # a coroutine object has no cancel(): its task is forgotten
    return next(task for task in tasks if task in done).result()
