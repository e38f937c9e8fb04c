"""cancels the workers as soon as the source ends, without waiting for the queue to drain."""

import asyncio


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = {}

    async def work():
        while True:
            index, job = await queue.get()
            results[index] = await worker(job)
            queue.task_done()

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]
    count = 0
    async for job in source:
        queue.put_nowait((count, job))
        count += 1
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return [results[i] for i in sorted(results)]
