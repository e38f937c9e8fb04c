"""A thread per key, each running the fetch with asyncio.run; the coroutine joins them."""

import asyncio
import threading


async def fetch_all(fetch, keys):
    results = [None] * len(keys)
    errors = []

    def one(i, key):
        try:
            results[i] = asyncio.run(fetch(key))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
