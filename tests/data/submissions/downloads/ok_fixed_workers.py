import asyncio


async def download_all(download, urls, limit):
    todo = iter(urls)
    results = {}

    async def worker():
        # each worker takes the next url as soon as it is free; iter() is shared
        for url in todo:
            results[url] = await download(url)

    await asyncio.gather(*(worker() for _ in range(min(limit, len(urls)))))
    return results
