"""awaits the first awaitable of the list, not the first one to finish."""

import asyncio


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, lambda: future.done() or future.set_result(value))
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    result = await tasks[0]
    for task in tasks[1:]:
        task.cancel()
    await asyncio.gather(*tasks[1:], return_exceptions=True)
    return result
