"""Wrong, off by one: Semaphore(limit + 1) lets one download too many run at once."""

import asyncio


async def download_all(download, urls, limit):
    slots = asyncio.Semaphore(limit + 1)

    async def fetch(url):
        async with slots:
            return url, await download(url)

    return dict(await asyncio.gather(*(fetch(url) for url in urls)))
