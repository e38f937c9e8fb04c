"""Wrong: deliver_later fills its future from a threading.Timer, not loop.call_later: a
thread per future (red team; it was blamed on first_done and on the import)."""

import asyncio
import threading


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def fire():
        loop.call_soon_threadsafe(lambda: future.done() or future.set_result(value))

    timer = threading.Timer(delay, fire)
    timer.daemon = True
    timer.start()
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        losers = [t for t in tasks if not t.done()]
        for task in losers:
            task.cancel()
        await asyncio.gather(*losers, return_exceptions=True)
    return next(t for t in tasks if t in done).result()
