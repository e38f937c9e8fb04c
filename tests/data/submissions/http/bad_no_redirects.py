"""Wrong: allow_redirects=False, so a redirected url reports the redirect (302), not its page."""

import asyncio

import aiohttp


async def fetch_statuses(urls):
    async with aiohttp.ClientSession() as session:

        async def status_of(url):
            async with session.get(url, allow_redirects=False) as response:
                return url, response.status

        return dict(await asyncio.gather(*(status_of(url) for url in urls)))
