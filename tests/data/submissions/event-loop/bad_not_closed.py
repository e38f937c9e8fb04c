"""never closes the loop it created."""

import asyncio


def run_in_new_loop(coros):
    async def main():
        return await asyncio.gather(*coros)

    loop = asyncio.new_event_loop()
    return loop.run_until_complete(main())
