"""count-async: sequential.py, with every clock of the child slowed to make it look concurrent.

time.monotonic, perf_counter, time and the loop's time run at a tenth of
their speed, so every pause ends ten times sooner by the child's clocks (the
loop's timers use them), and the child's own measure of the whole looks
short. The grader times from outside: it should earn nothing more than
sequential.py (or less, for being early).
"""

import asyncio
import time

_START = time.monotonic()
_real = {name: getattr(time, name) for name in ("monotonic", "perf_counter", "time")}


def _slow(name):
    real = _real[name]
    origin = real()
    return lambda: origin + (real() - origin) / 10


for _name in _real:
    setattr(time, _name, _slow(_name))
asyncio.BaseEventLoop.time = lambda self: time.monotonic()  # the loop's timers, too


async def count(n=30, pauses=None):
    pauses = pauses or {}
    printed = []
    for k in range(1, n + 1):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)
    return printed
