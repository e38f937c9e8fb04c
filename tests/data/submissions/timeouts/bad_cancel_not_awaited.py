"""Wrong: cancels the slow fetches but returns without awaiting them: still running on return."""

import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    tasks = {key: asyncio.create_task(fetch(key)) for key in keys}
    _, pending = await asyncio.wait(tasks.values(), timeout=timeout)
    for task in pending:
        task.cancel()  # only asks: the fetch stops at its next step, after we returned
    return {key: None if task in pending else task.result() for key, task in tasks.items()}
