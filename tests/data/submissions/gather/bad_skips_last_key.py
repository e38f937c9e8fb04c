"""Wrong, off by one: range(len(keys) - 1) never fetches the last key."""

import asyncio


async def fetch_all(fetch, keys):
    return await asyncio.gather(*(fetch(keys[i]) for i in range(len(keys) - 1)))
