"""Wrong: cancels the losers but returns without awaiting them: they are still pending."""

import asyncio


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, lambda: future.done() or future.set_result(value))
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()  # only asks: the cancellation happens at the task's next step
    return next(task for task in tasks if task in done).result()
