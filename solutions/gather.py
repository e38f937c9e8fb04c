"""Gather: reference solution."""

import asyncio


async def fetch_all(fetch, keys: list) -> list:
    """Call `await fetch(key)` for every key, all at once; return the results in key order."""
    # gather schedules every coroutine right away, then waits for all of them.
    # Its result list follows the order of its arguments, whatever the finishing
    # order; the first exception raised by a fetch is raised here.
    return await asyncio.gather(*(fetch(key) for key in keys))
