import asyncio


async def download_all(download, urls, limit):
    queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    results = {}

    async def worker():
        while not queue.empty():
            url = queue.get_nowait()
            results[url] = await download(url)

    async with asyncio.TaskGroup() as tg:
        for _ in range(limit):
            tg.create_task(worker())
    return results
