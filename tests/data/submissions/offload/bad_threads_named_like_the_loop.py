"""Wrong: threads of its own, named like the loop's executor's ("asyncio_0", ...), and a
to_thread call that runs a dummy: a name does not make a thread the loop's."""

import asyncio
import threading


async def save_all(write, lines):
    loop = asyncio.get_running_loop()
    futures = []
    for number, line in enumerate(lines):
        future = loop.create_future()

        def job(line=line, future=future):
            try:
                write(line)
                written = True
            except OSError:
                written = False
            loop.call_soon_threadsafe(future.set_result, written)

        threading.Thread(target=job, name=f"asyncio_{number}").start()
        futures.append(future)
    await asyncio.to_thread(lambda: None)
    return sum(await asyncio.gather(*futures))
