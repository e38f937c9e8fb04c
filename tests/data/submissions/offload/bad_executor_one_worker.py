"""Wrong: a ThreadPoolExecutor with one thread: the writes leave the loop, but run in turn."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def save_all(write, lines):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:

        async def save(line):
            try:
                await loop.run_in_executor(pool, write, line)
            except OSError:
                return False
            return True

        return sum(await asyncio.gather(*(save(line) for line in lines)))
