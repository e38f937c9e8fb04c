"""Wrong: cuts the urls into `limit` runs of consecutive urls, one run per worker, up front."""

import asyncio
import math


async def download_all(download, urls, limit):
    size = math.ceil(len(urls) / limit) if urls else 1
    results = {}

    async def worker(mine):
        for url in mine:
            results[url] = await download(url)

    await asyncio.gather(*(worker(urls[i : i + size]) for i in range(0, len(urls), size)))
    return results
