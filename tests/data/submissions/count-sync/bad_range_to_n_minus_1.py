"""Wrong: range(1, n) stops at n - 1, so the last number is never printed (nor its pause taken)."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n):
        if k in pauses:
            time.sleep(pauses[k])
        print(k)
    return time.perf_counter() - start
