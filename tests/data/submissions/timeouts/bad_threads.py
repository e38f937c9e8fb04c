"""A thread per key, each running wait_for with asyncio.run; the coroutine joins them."""

import asyncio
import threading


async def fetch_with_timeout(fetch, keys, timeout):
    results = {}

    def one(key):
        try:
            results[key] = asyncio.run(asyncio.wait_for(fetch(key), timeout))
        except TimeoutError:
            results[key] = None

    threads = [threading.Thread(target=one, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {key: results[key] for key in keys}
