"""Wrong: asyncio.to_thread(write(line)) calls write right here, on the loop, and hands
to_thread its result (None), which is not a function."""

import asyncio


async def save_all(write, lines):
    async def save(line):
        try:
            await asyncio.to_thread(write(line))
        except OSError:
            return False
        return True

    return sum(await asyncio.gather(*(save(line) for line in lines)))
