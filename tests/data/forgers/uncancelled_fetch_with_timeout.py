"""timeouts: leaves the slow fetches running: what forged_pending.py does, without the forgery."""

import asyncio


async def fetch_with_timeout(fetch, keys, timeout):
    tasks = {k: asyncio.ensure_future(fetch(k)) for k in keys}
    await asyncio.wait(tasks.values(), timeout=timeout)
    return {k: (t.result() if t.done() else None) for k, t in tasks.items()}
