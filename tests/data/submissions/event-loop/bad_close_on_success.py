"""closes the loop only on success, not when a coroutine raised (no finally)."""

import asyncio


def run_in_new_loop(coros):
    async def main():
        return await asyncio.gather(*coros)

    loop = asyncio.new_event_loop()
    results = loop.run_until_complete(main())
    loop.close()
    return results
