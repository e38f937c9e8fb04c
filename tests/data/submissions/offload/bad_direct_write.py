"""calls the blocking write() directly in the coroutine: it freezes the loop, writes run in turn."""

import asyncio


async def save_all(write, lines):
    async def save(line):
        try:
            write(line)
        except OSError:
            return False
        return True

    return sum(await asyncio.gather(*(save(line) for line in lines)))
