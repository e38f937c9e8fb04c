"""keeps one ClientSession for the whole program and never closes it: its connections stay open."""

import asyncio

import aiohttp

_session = None


def shared_session():
    global _session
    if _session is None:
        _session = aiohttp.ClientSession()
    return _session


async def fetch_statuses(urls):
    session = shared_session()

    async def status_of(url):
        async with session.get(url) as response:
            return url, response.status

    return dict(await asyncio.gather(*(status_of(url) for url in urls)))
