import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    results = {}

    async def one(key):
        try:
            async with asyncio.timeout(timeout):
                results[key] = await fetch(key)
        except TimeoutError:
            results[key] = None

    async with asyncio.TaskGroup() as tg:
        for key in keys:
            tg.create_task(one(key))
    return {key: results[key] for key in keys}
