"""Wrong: creates a ClientSession and never closes it; dropped when the function returns,
it is left to the garbage collector, which closes its connections (and warns)."""

import asyncio

import aiohttp


async def fetch_statuses(urls):
    session = aiohttp.ClientSession()

    async def status_of(url):
        async with session.get(url) as response:
            return url, response.status

    return dict(await asyncio.gather(*(status_of(url) for url in urls)))
