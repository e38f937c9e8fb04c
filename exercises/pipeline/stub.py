"""Pipeline: producers, a queue and a pool of workers. See pipeline.md."""

import asyncio
import time


async def process(source, worker, n_workers: int) -> list:
    """Feed the jobs of `source` through a queue to `n_workers` workers; results by arrival."""
    raise NotImplementedError("process: a Queue, n_workers worker tasks, stop them at the end")


if __name__ == "__main__":

    async def orders():
        for n in range(6):
            await asyncio.sleep(0.05)  # orders arrive over time
            yield f"pizza {n}"

    async def cook(order):
        await asyncio.sleep(0.2)
        return order.upper()

    start = time.perf_counter()
    print(asyncio.run(process(orders(), cook, 3)))
    print(f"took {time.perf_counter() - start:.2f} s")
