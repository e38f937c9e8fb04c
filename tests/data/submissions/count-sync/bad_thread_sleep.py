"""Wrong: each pause is a time.sleep in a thread of its own, joined at once: the same
timings, but the count waits on a thread, not in time.sleep (red team, 10/10)."""

import threading
import time


def _pause(seconds):
    thread = threading.Thread(target=time.sleep, args=(seconds,))
    thread.start()
    thread.join()


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        if k in pauses:
            _pause(pauses[k])
        print(k)
    return time.perf_counter() - start
