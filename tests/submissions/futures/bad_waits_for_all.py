"""forgets return_when=FIRST_COMPLETED: waits for all of them, then returns any one."""

import asyncio


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, lambda: future.done() or future.set_result(value))
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks)
    for task in pending:
        task.cancel()
    return done.pop().result()
