"""downloads in chunks of `limit`: each chunk waits for its slowest, slots sit idle."""

import asyncio


async def download_all(download, urls, limit):
    results = {}
    for i in range(0, len(urls), limit):
        chunk = urls[i : i + limit]
        contents = await asyncio.gather(*(download(url) for url in chunk))
        results.update(zip(chunk, contents, strict=True))
    return results
