"""uses raise_for_status=True: a 404 or 500 becomes an exception instead of a result."""

import asyncio

import aiohttp


async def fetch_statuses(urls):
    async with aiohttp.ClientSession(raise_for_status=True) as session:

        async def status_of(url):
            async with session.get(url) as response:
                return url, response.status

        return dict(await asyncio.gather(*(status_of(url) for url in urls)))
