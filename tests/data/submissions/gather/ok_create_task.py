import asyncio


async def fetch_all(fetch, keys):
    # start everything first ...
    tasks = [asyncio.create_task(fetch(key)) for key in keys]
    try:
        # ... then wait for each in order: the others run meanwhile
        return [await task for task in tasks]
    finally:
        for task in tasks:
            task.cancel()  # no effect on finished tasks; stops the rest after a failure
