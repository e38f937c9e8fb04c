"""Worker threads, each running the worker with asyncio.run, fed by a queue.Queue."""

import asyncio
import queue
import threading


async def process(source, worker, n_workers):
    jobs = queue.Queue()
    results = {}

    def work():
        while (item := jobs.get()) is not None:
            number, job = item
            results[number] = asyncio.run(worker(job))

    threads = [threading.Thread(target=work) for _ in range(n_workers)]
    for thread in threads:
        thread.start()
    count = 0
    async for job in source:
        jobs.put((count, job))
        count += 1
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return [results[number] for number in range(count)]
