"""creates a new Semaphore inside each download, so nothing is limited."""

import asyncio


async def download_all(download, urls, limit):
    async def fetch(url):
        async with asyncio.Semaphore(limit):
            return url, await download(url)

    return dict(await asyncio.gather(*(fetch(url) for url in urls)))
