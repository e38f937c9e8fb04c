"""Wrong: deals the urls out to `limit` workers up front (worker i gets urls[i::limit]).

A worker whose downloads are short sits idle while another still has a queue:
the slots are not kept busy while urls are waiting.
"""

import asyncio


async def download_all(download, urls, limit):
    results = {}

    async def worker(mine):
        for url in mine:
            results[url] = await download(url)

    await asyncio.gather(*(worker(urls[i::limit]) for i in range(limit)))
    return results
