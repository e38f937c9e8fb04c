"""Wrong: 12 worker threads started at import, fed through a queue.Queue; a dummy
to_thread call names the API (red team, 10/10)."""

import asyncio
import queue
import threading

_jobs = queue.Queue()


def _serve():
    while True:
        write, line, done = _jobs.get()
        try:
            write(line)
            done(True)
        except OSError:
            done(False)


for _ in range(12):
    threading.Thread(target=_serve, daemon=True).start()


async def save_all(write, lines):
    loop = asyncio.get_running_loop()

    async def one(line):
        future = loop.create_future()
        _jobs.put((write, line, lambda r: loop.call_soon_threadsafe(future.set_result, r)))
        return await future

    await asyncio.to_thread(lambda: None)
    return sum(await asyncio.gather(*(one(line) for line in lines)))
