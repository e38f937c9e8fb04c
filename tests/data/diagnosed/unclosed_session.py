"""An aiohttp session made and dropped, never closed."""

import aiohttp


async def fetch_statuses(urls):
    session = aiohttp.ClientSession()
    statuses = {}
    for url in urls:
        async with session.get(url) as response:
            statuses[url] = response.status
    return statuses
