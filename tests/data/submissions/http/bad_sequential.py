"""requests the urls one after another: sequential."""

import aiohttp


async def fetch_statuses(urls):
    statuses = {}
    async with aiohttp.ClientSession() as session:
        for url in urls:
            async with session.get(url) as response:
                statuses[url] = response.status
    return statuses
