"""No asyncio at all: the pauses sorted, time.sleep for each gap, each number printed when due."""

import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.monotonic()
    order = [k for k in range(1, n + 1) if k not in pauses]
    for k in order:
        print(k)
    for k in sorted(pauses, key=lambda k: (pauses[k], k)):
        time.sleep(max(0.0, start + pauses[k] - time.monotonic()))
        print(k)
        order.append(k)
    return order
