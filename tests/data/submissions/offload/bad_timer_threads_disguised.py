"""Wrong: a threading.Timer(0, job) per line; to_thread is imported and never used
(red team, 10/10)."""

import asyncio
import threading
from asyncio import to_thread  # noqa: F401  (imported, never used)


async def save_all(write, lines):
    loop = asyncio.get_running_loop()
    futures = []
    for line in lines:
        future = loop.create_future()

        def job(line=line, future=future):
            try:
                write(line)
                written = True
            except OSError:
                written = False
            loop.call_soon_threadsafe(future.set_result, written)

        threading.Timer(0, job).start()
        futures.append(future)
    return sum(await asyncio.gather(*futures))
