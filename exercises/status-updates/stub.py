"""Status updates: one failure must not sink the others. See status-updates.md."""

import asyncio
import time


async def run_all(jobs: dict) -> dict[str, str]:
    """Run every job concurrently; {name: "ok"} or {name: "error: ExceptionTypeName"}."""
    raise NotImplementedError("run_all: run every job, report each outcome, let none sink the rest")


if __name__ == "__main__":

    async def post():
        await asyncio.sleep(0.2)

    async def tweet():
        await asyncio.sleep(0.1)
        raise ConnectionError("service down")

    async def mail():
        await asyncio.sleep(0.3)

    start = time.perf_counter()
    print(asyncio.run(run_all({"post": post, "tweet": tweet, "mail": mail})))
    print(f"took {time.perf_counter() - start:.2f} s (about 0.3 s when it works)")
