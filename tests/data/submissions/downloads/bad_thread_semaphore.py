"""A thread per url under a threading.Semaphore(limit), each download run with asyncio.run."""

import asyncio
import threading


async def download_all(download, urls, limit):
    slots = threading.Semaphore(limit)
    results = {}

    def one(url):
        with slots:
            results[url] = asyncio.run(download(url))

    threads = [threading.Thread(target=one, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {url: results[url] for url in urls}
