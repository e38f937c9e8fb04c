"""never stops the workers: they stay pending on queue.get() after process returns."""

import asyncio


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = {}

    async def work():
        while True:
            index, job = await queue.get()
            results[index] = await worker(job)
            queue.task_done()

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]  # noqa: F841 (never cancelled)
    count = 0
    async for job in source:
        queue.put_nowait((count, job))
        count += 1
    await queue.join()
    return [results[i] for i in range(count)]
