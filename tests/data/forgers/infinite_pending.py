"""timeouts: leaves the slow fetches running; its DONE says `pending: Infinity` (no int)."""

import asyncio
import sys
import time

Server = sys.modules["grader.sandbox.server"].Server
real_send = Server.send


def send(self, message):
    done = message.get("op") == "done"
    if done:
        message = {**message, "pending": float("inf")}  # json writes Infinity
    real_send(self, message)
    if done:
        time.sleep(0.03)  # its reply in a read of its own, after the DONE


Server.send = send


async def fetch_with_timeout(fetch, keys, timeout):
    tasks = {k: asyncio.ensure_future(fetch(k)) for k in keys}
    await asyncio.wait(tasks.values(), timeout=timeout)  # never cancels the slow ones
    return {k: (t.result() if t.done() else None) for k, t in tasks.items()}
