"""gives each fetch its timeout but awaits them one after another: sequential."""

import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    results = {}
    for key in keys:
        try:
            results[key] = await asyncio.wait_for(fetch(key), timeout)
        except TimeoutError:
            results[key] = None
    return results
