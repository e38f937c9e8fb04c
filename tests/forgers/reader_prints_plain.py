"""count-async: reader_prints.py without its reader-thread patch (the due numbers never print)."""

import asyncio
import time

state = {"due": [], "start": 0.0, "order": []}


async def count(n=30, pauses=None):
    pauses = pauses or {}
    state["start"] = time.monotonic()
    state["order"] = [k for k in range(1, n + 1) if k not in pauses]
    for k in state["order"]:
        print(k)
    state["due"] = sorted(pauses.items(), key=lambda item: (item[1], item[0]))
    await asyncio.sleep(max(pauses.values(), default=0) + 0.03)
    return state["order"]
