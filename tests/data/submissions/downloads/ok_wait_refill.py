import asyncio


async def download_all(download, urls, limit):
    waiting = list(reversed(urls))
    running = {}
    results = {}
    while waiting or running:
        while waiting and len(running) < limit:
            url = waiting.pop()
            running[asyncio.create_task(download(url))] = url
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            results[running.pop(task)] = task.result()
    return results
