"""Wrong: collects the results in the order the coroutines finished, not in list order."""

import asyncio


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()

    async def main():
        tasks = [asyncio.create_task(coro) for coro in coros]
        return [await done for done in asyncio.as_completed(tasks)]

    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()
