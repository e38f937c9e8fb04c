"""uses a TaskGroup but lets its ExceptionGroup escape instead of the fetch's exception."""

import asyncio


async def fetch_all(fetch, keys):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch(key)) for key in keys]
    return [task.result() for task in tasks]
