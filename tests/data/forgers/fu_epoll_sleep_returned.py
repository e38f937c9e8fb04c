"""futures: deliver_later blocks for `delay` and returns a future that is already done, like
tests/data/submissions/futures/bad_blocking_sleep.py. Two tricks: it first says RETURNED
"pending" itself (the first RETURNED counts), and its blocking sleep is an epoll_wait on the
running loop's own epoll, so the grader sees the loop's thread 'waiting in its loop' at once
(the trusted bound on the RETURNED claim) and never blocked."""

import asyncio
import select
import sys
import time

Server = sys.modules["grader.sandbox.server"].Server
state = {}
real_run = Server.run


def run(self, module, message):
    state["server"], state["id"] = self, message["id"]
    return real_run(self, module, message)


Server.run = run


def blocking_sleep(seconds):
    loop = asyncio.get_running_loop()
    poll = loop._selector._selector
    wake = loop._ssock.fileno()
    poll.unregister(wake)
    try:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            poll.poll(left)
    finally:
        poll.register(wake, select.EPOLLIN)


def deliver_later(value, delay):
    state["server"].send(
        {"op": "returned", "id": state["id"], "type": "Future", "future": True, "pending": True}
    )
    future = asyncio.get_running_loop().create_future()
    blocking_sleep(delay)
    future.set_result(value)
    return future


async def first_done(aws):
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return next(task for task in tasks if task in done).result()
