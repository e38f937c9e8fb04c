import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    if not keys:
        return {}
    tasks = {key: asyncio.create_task(fetch(key)) for key in keys}
    _, pending = await asyncio.wait(tasks.values(), timeout=timeout)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)  # let them process the cancellation
    return {key: None if task in pending else task.result() for key, task in tasks.items()}
