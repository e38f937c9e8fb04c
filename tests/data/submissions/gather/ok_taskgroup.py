import asyncio


async def fetch_all(fetch, keys):
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(fetch(key)) for key in keys]
    except ExceptionGroup as group:
        # TaskGroup wraps failures in an ExceptionGroup; raise the fetch's own exception
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
