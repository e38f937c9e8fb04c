"""Wrong: each worker stops as soon as the queue is empty, which it is before the first job
arrives; the jobs that come later find no worker."""

import asyncio


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = {}

    async def work():
        while not queue.empty():
            index, job = queue.get_nowait()
            results[index] = await worker(job)

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]
    count = 0
    async for job in source:
        queue.put_nowait((count, job))
        count += 1
    await asyncio.gather(*workers)
    return [results[index] for index in range(count)]
