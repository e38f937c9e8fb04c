"""erin: count-sync, right, under the other accepted name (count_sync.py)."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.monotonic()
    for k in range(1, n + 1):
        time.sleep(pauses.get(k, 0))
        print(k, flush=True)
    return time.monotonic() - start
