"""calls run_until_complete once per coroutine: runs them one after another."""

import asyncio


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()
    try:
        return [loop.run_until_complete(coro) for coro in coros]
    finally:
        loop.close()
