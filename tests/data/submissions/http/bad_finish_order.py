"""Wrong: pairs the urls with the statuses in the order the responses arrived."""

import asyncio

import aiohttp


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:

        async def status_of(url):
            async with session.get(url) as response:
                return response.status

        tasks = [asyncio.create_task(status_of(url)) for url in urls]
        statuses = [await done for done in asyncio.as_completed(tasks)]
    return dict(zip(urls, statuses, strict=True))
