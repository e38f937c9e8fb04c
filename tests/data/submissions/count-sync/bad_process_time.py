"""Wrong: times itself with time.process_time(), the CPU time, which does not count sleeping."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.process_time()
    for k in range(1, n + 1):
        if k in pauses:
            time.sleep(pauses[k])
        print(k)
    return time.process_time() - start
