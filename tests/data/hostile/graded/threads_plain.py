"""count-async: each number in a thread of its own that sleeps (hidden_threads.py, unhidden)."""

import asyncio
import threading
import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    printed = []
    lock = threading.Lock()

    def one(k):
        time.sleep(pauses.get(k, 0))
        with lock:
            print(k)
            printed.append(k)

    # Unpaused numbers at once, in order: threads racing to print them would make
    # the order, and so the twins' scores, a matter of luck.
    for k in range(1, n + 1):
        if k not in pauses:
            print(k)
            printed.append(k)
    threads = [threading.Thread(target=one, args=(k,)) for k in pauses if 1 <= k <= n]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        await asyncio.sleep(0.005)
    return printed
