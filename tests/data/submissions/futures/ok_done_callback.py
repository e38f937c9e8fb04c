import asyncio


def _fill(future, value):
    if not future.cancelled():
        future.set_result(value)


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(delay, _fill, future, value)
    return future


async def first_done(aws):
    loop = asyncio.get_running_loop()
    winner = loop.create_future()

    def on_done(task):
        if not winner.done():
            winner.set_result(task)

    tasks = []
    for aw in aws:
        task = asyncio.ensure_future(aw)
        task.add_done_callback(on_done)
        tasks.append(task)
    try:
        first = await winner
    finally:
        for task in tasks:
            task.cancel()  # does nothing to the task that already finished
        await asyncio.gather(*tasks, return_exceptions=True)
    return first.result()
