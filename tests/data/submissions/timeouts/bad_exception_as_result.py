"""Wrong: gather(return_exceptions=True) maps a slow key to its TimeoutError, not to None."""

import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    results = await asyncio.gather(
        *(asyncio.wait_for(fetch(key), timeout) for key in keys), return_exceptions=True
    )
    return dict(zip(keys, results, strict=True))
