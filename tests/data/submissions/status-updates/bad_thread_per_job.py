"""A thread per job, each run with asyncio.run; the coroutine joins them."""

import asyncio
import threading


async def run_all(jobs):
    report = {}

    def one(name, job):
        try:
            asyncio.run(job())
        except Exception as error:
            report[name] = f"error: {type(error).__name__}"
        else:
            report[name] = "ok"

    threads = [threading.Thread(target=one, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {name: report[name] for name in jobs}
