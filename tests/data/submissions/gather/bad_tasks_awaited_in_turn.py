"""creates each task and awaits it right away: still sequential."""

import asyncio


async def fetch_all(fetch, keys):
    results = []
    for key in keys:
        task = asyncio.create_task(fetch(key))
        results.append(await task)
    return results
