import asyncio

STOP = object()


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = {}

    async def work():
        while True:
            item = await queue.get()
            if item is STOP:
                return
            index, job = item
            results[index] = await worker(job)

    workers = [asyncio.create_task(work()) for _ in range(n_workers)]
    count = 0
    async for job in source:
        await queue.put((count, job))
        count += 1
    for _ in workers:
        await queue.put(STOP)  # one stop marker per worker, behind the real jobs
    await asyncio.gather(*workers)
    return [results[i] for i in range(count)]
