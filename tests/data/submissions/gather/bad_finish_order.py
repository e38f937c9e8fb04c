"""uses as_completed: results come back in finishing order, not in the order of keys."""

import asyncio


async def fetch_all(fetch, keys):
    return [await result for result in asyncio.as_completed([fetch(key) for key in keys])]
