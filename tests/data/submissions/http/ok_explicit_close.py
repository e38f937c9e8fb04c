import asyncio

import aiohttp


async def status_of(session, url):
    response = await session.get(url)
    try:
        await response.read()
        return response.status
    finally:
        response.release()


async def fetch_statuses(urls):
    session = aiohttp.ClientSession()
    try:
        statuses = await asyncio.gather(*(status_of(session, url) for url in urls))
    finally:
        await session.close()
    return dict(zip(urls, statuses, strict=True))
