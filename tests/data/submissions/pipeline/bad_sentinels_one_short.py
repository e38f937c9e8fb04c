"""Wrong, off by one: puts n_workers - 1 stop markers, so one worker never stops."""

import asyncio


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = {}

    async def work():
        while True:
            item = await queue.get()
            if item is None:
                queue.task_done()
                return
            index, job = item
            results[index] = await worker(job)
            queue.task_done()

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]  # noqa: F841 (one never stops)
    count = 0
    async for job in source:
        queue.put_nowait((count, job))
        count += 1
    for _ in range(n_workers - 1):
        queue.put_nowait(None)
    await queue.join()
    return [results[index] for index in range(count)]
