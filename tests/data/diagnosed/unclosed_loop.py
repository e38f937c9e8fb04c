"""A new event loop, used and never closed."""

import asyncio


async def all_of(coros):
    return await asyncio.gather(*coros)


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()
    return loop.run_until_complete(all_of(coros))
