"""returns the results in the order they finished, not the order the jobs arrived."""

import asyncio


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = []

    async def work():
        while True:
            job = await queue.get()
            results.append(await worker(job))
            queue.task_done()

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]
    async for job in source:
        queue.put_nowait(job)
    await queue.join()
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return results
