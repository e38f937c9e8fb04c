"""count-async: each number in a thread of its own that sleeps, with the threads hidden.

threading's views of threads (enumerate, active_count, _active) and the
grader's child-side server module are patched to show the main thread alone.
Threads are seen by the kernel's notifications, so "no threads" must fail
as it does for threads_plain.py, its twin without the hiding.
"""

import asyncio
import sys
import threading
import time

_main = threading.main_thread()
threading.enumerate = lambda: [_main]
threading.active_count = lambda: 1
for _name, _module in list(sys.modules.items()):
    if _name.startswith("grader.") and hasattr(_module, "threading"):
        _module.threading = threading


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
