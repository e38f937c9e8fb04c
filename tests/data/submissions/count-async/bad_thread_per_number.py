"""A thread per paused number sleeps its pause, then prints; the coroutine joins them all.

Each thread sleeps until a moment fixed before any is started, so a slow
start (a busy machine) does not change which prints first.
"""

import threading
import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    order = [k for k in range(1, n + 1) if k not in pauses]
    for k in order:
        print(k, flush=True)
    lock = threading.Lock()
    start = time.monotonic()

    def one(k):
        time.sleep(max(0.0, start + pauses[k] - time.monotonic()))
        with lock:
            print(k, flush=True)
            order.append(k)

    threads = [threading.Thread(target=one, args=(k,)) for k in pauses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return order
