"""asyncio.get_event_loop(), not new_event_loop(): the second call gets the first (closed) loop."""

import asyncio


def run_in_new_loop(coros):
    async def main():
        return await asyncio.gather(*coros)

    loop = asyncio.get_event_loop()  # creates a loop once, then hands back that same loop
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()
