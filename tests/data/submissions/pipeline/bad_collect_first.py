"""reads the whole source before starting any worker: no work while jobs arrive."""

import asyncio


async def process(source, worker, n_workers):
    jobs = [job async for job in source]
    queue = asyncio.Queue()
    for item in enumerate(jobs):
        queue.put_nowait(item)
    results = {}

    async def work():
        while True:
            index, job = await queue.get()
            results[index] = await worker(job)
            queue.task_done()

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]
    await queue.join()
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return [results[i] for i in range(len(jobs))]
