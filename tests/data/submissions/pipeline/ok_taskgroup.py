import asyncio


async def process(source, worker, n_workers):
    queue = asyncio.Queue()
    results = []

    async def produce():
        async for job in source:
            slot = [None]
            results.append(slot)  # the result's place, in arrival order
            await queue.put((slot, job))
        for _ in range(n_workers):
            await queue.put(None)

    async def work():
        while (item := await queue.get()) is not None:
            slot, job = item
            slot[0] = await worker(job)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(produce())
        for _ in range(n_workers):
            tg.create_task(work())
    return [slot[0] for slot in results]
