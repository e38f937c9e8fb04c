"""Wrong: a queue per worker, the jobs dealt out round robin as they arrive.

A job waits for its own worker even while another worker is free.
"""

import asyncio


async def process(source, worker, n_workers):
    queues = [asyncio.Queue() for _ in range(n_workers)]
    results = {}

    async def work(queue):
        while True:
            index, job = await queue.get()
            results[index] = await worker(job)
            queue.task_done()

    workers = [asyncio.create_task(work(queue)) for queue in queues]
    count = 0
    async for job in source:
        queues[count % n_workers].put_nowait((count, job))
        count += 1
    for queue in queues:
        await queue.join()
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return [results[index] for index in range(count)]
