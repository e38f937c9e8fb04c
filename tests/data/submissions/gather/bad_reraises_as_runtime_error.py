"""Wrong: catches a fetch's exception and raises a RuntimeError of its own instead."""

import asyncio


async def fetch_all(fetch, keys):
    try:
        return await asyncio.gather(*(fetch(key) for key in keys))
    except Exception as error:
        raise RuntimeError(f"a fetch failed: {error}") from error
