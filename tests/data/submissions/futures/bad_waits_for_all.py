"""no return_when=FIRST_COMPLETED: waits for all, then returns the first done in list order."""

import asyncio


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, lambda: future.done() or future.set_result(value))
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks)  # without return_when, this waits for ALL of them
    for task in pending:
        task.cancel()
    return next(task for task in tasks if task in done).result()
