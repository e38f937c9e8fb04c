"""Wrong: one timer thread started at import fills every future deliver_later returns
(red team): started while the file was imported, and the message says so."""

import asyncio
import heapq
import itertools
import threading
import time

_heap, _ready = [], threading.Condition()
_order = itertools.count()


def _timer():
    while True:
        with _ready:
            while not _heap or _heap[0][0] > time.monotonic():
                _ready.wait(None if not _heap else _heap[0][0] - time.monotonic())
            _, _, fire = heapq.heappop(_heap)
        fire()


threading.Thread(target=_timer, daemon=True).start()


def deliver_later(value, delay):
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def fire():
        loop.call_soon_threadsafe(lambda: future.done() or future.set_result(value))

    with _ready:
        heapq.heappush(_heap, (time.monotonic() + delay, next(_order), fire))
        _ready.notify()
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
