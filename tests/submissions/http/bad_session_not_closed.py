"""never closes its ClientSession (aiohttp warns: Unclosed client session)."""

import asyncio

import aiohttp


async def fetch_statuses(urls):
    session = aiohttp.ClientSession()

    async def status_of(url):
        async with session.get(url) as response:
            return url, response.status

    return dict(await asyncio.gather(*(status_of(url) for url in urls)))
