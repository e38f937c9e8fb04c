import asyncio

import aiohttp


async def fetch_statuses(urls):
    statuses = {}

    async def check(session, url):
        async with session.get(url) as response:
            statuses[url] = response.status

    async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as tg:
        for url in urls:
            tg.create_task(check(session, url))
    return statuses
