"""maps the slow fetches to None but never cancels them: they keep running."""

import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    tasks = {key: asyncio.create_task(fetch(key)) for key in keys}
    _, pending = await asyncio.wait(tasks.values(), timeout=timeout)
    return {key: None if task in pending else task.result() for key, task in tasks.items()}
