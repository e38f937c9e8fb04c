import asyncio


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, lambda: future.done() or future.set_result(value))
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    try:
        for first in asyncio.as_completed(tasks):
            return await first
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
