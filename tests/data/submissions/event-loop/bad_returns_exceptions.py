"""Wrong: gather(return_exceptions=True) hands back a coroutine's exception as a result."""

import asyncio


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()

    async def main():
        return await asyncio.gather(*coros, return_exceptions=True)

    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()
