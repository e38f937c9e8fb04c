"""count-async: reader_prints.py without its patch: the same prints, on the same 20 ms tick.

The patched message handler prints the numbers that are due whenever a ping (every 20 ms)
reaches the loop; here a coroutine of its own looks every 20 ms. Same work, same loop.
"""

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
    # Until every number is printed: a busy machine that delays a look prints it late,
    # never not at all (the honest twin's score must not hang on luck).
    while state["due"]:
        while state["due"] and time.monotonic() - state["start"] >= state["due"][0][1]:
            k, _ = state["due"].pop(0)
            print(k, flush=True)
            state["order"].append(k)
        await asyncio.sleep(0.02)
    return state["order"]
