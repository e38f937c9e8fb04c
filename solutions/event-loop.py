"""Event loop: reference solution."""

import asyncio


def run_in_new_loop(coros: list) -> list:
    """Run `coros` concurrently on a new event loop (no asyncio.run), close it, return results."""

    async def run_all() -> list:
        # gather is created here, inside the running loop, so its tasks belong to it.
        return await asyncio.gather(*coros)

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run_all())
    finally:
        try:
            # Tidy up like asyncio.run does: when a coroutine raised, its
            # siblings are still pending; cancel them and let them finish.
            leftovers = asyncio.all_tasks(loop)
            for task in leftovers:
                task.cancel()
            if leftovers:
                loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()  # always, whatever happened above
