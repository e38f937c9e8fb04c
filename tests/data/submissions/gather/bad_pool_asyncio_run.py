"""A pool of threads maps asyncio.run over the keys: right results, right time, not on the loop."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def fetch_all(fetch, keys):
    with ThreadPoolExecutor(max_workers=max(1, len(keys))) as pool:
        return list(pool.map(lambda key: asyncio.run(fetch(key)), keys))
