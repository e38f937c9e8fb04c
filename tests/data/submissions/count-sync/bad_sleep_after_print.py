"""Wrong: prints k, then sleeps pauses[k]: every paused number comes out before its pause."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        print(k)
        if k in pauses:
            time.sleep(pauses[k])
    return time.perf_counter() - start
