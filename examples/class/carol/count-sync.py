"""carol: count-sync, partly right: prints each number before its pause, not after."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        print(k)
        time.sleep(pauses.get(k, 0))
    return time.perf_counter() - start
