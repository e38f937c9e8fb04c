"""Wrong: a new loop for each coroutine, one after another (each closed)."""

import asyncio


def run_in_new_loop(coros):
    results = []
    for coro in coros:
        loop = asyncio.new_event_loop()
        try:
            results.append(loop.run_until_complete(coro))
        finally:
            loop.close()
    return results
