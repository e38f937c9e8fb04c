"""puts one timeout around the whole gather: one slow fetch turns every result into None."""

import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    try:
        results = await asyncio.wait_for(asyncio.gather(*(fetch(key) for key in keys)), timeout)
    except TimeoutError:
        return {key: None for key in keys}
    return dict(zip(keys, results, strict=True))
