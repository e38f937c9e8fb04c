"""off by one: a Semaphore(limit - 1) keeps one slot always empty."""

import asyncio


async def download_all(download, urls, limit):
    slots = asyncio.Semaphore(max(limit - 1, 1))

    async def fetch(url):
        async with slots:
            return url, await download(url)

    return dict(await asyncio.gather(*(fetch(url) for url in urls)))
