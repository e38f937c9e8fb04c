"""creates a new ClientSession for every url instead of sharing one."""

import asyncio

import aiohttp


async def status_of(url):
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return url, response.status


async def fetch_statuses(urls):
    return dict(await asyncio.gather(*(status_of(url) for url in urls)))
