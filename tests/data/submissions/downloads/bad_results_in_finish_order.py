"""Wrong: pairs the urls with the results in the order the downloads finished."""

import asyncio


async def download_all(download, urls, limit):
    slots = asyncio.Semaphore(limit)

    async def fetch(url):
        async with slots:
            return await download(url)

    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    finished = [await done for done in asyncio.as_completed(tasks)]
    return dict(zip(urls, finished, strict=True))
