"""Pipeline: reference solution."""

import asyncio


async def process(source, worker, n_workers: int) -> list:
    """Feed the jobs of `source` through a queue to `n_workers` workers; results by arrival."""
    queue: asyncio.Queue = asyncio.Queue()
    results: dict[int, object] = {}
    errors: list[BaseException] = []

    async def work() -> None:
        while True:
            index, job = await queue.get()
            try:
                results[index] = await worker(job)
            except Exception as exc:  # keep the worker alive; report after the join
                errors.append(exc)
            finally:
                queue.task_done()  # always, or queue.join() would wait forever

    # Start the workers first: they pick up jobs while the source is still producing.
    workers = [asyncio.create_task(work()) for _ in range(n_workers)]
    try:
        count = 0
        async for job in source:
            queue.put_nowait((count, job))  # number the jobs in arrival order
            count += 1
        await queue.join()  # every job taken and marked done
    finally:
        # The workers wait on queue.get() forever: cancel them, and await them
        # so that none is left pending when we return.
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if errors:
        raise errors[0]
    return [results[index] for index in range(count)]
