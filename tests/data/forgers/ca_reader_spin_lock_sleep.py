"""count-async: sorted, one number after another, each wait a blocking lock.acquire(timeout=...)
on the loop's thread. Meanwhile the grader's own reader thread (hijacked through the
`loads` it calls on every ping) spins on the CPU; the observer forgives a lock wait of the
loop's thread by the CPU time the child's other threads used ("they may have held the GIL"),
so the blocking waits count for nothing."""

import asyncio
import hashlib
import sys
import threading
import time

server = sys.modules["grader.sandbox.server"]
real_loads = server.loads
state = {"until": 0.0}
BLOCK = bytes(1 << 18)


def loads(line):
    message = real_loads(line)
    if message.get("op") == "call":  # a call is coming: keep the reader busy until it is over
        state["until"] = time.monotonic() + 2.0
    elif message.get("op") == "ping":  # the grader pings at once after the call
        while time.monotonic() < state["until"]:  # on the reader thread: pure CPU, no syscall,
            hashlib.sha256(BLOCK)  # and without the GIL (hashlib lets it go on big inputs)
    return message


server.loads = loads
sys.setswitchinterval(0.001)


async def count(n=30, pauses=None):
    pauses = pauses or {}
    plan = sorted(((k, pauses.get(k, 0)) for k in range(1, n + 1)), key=lambda kp: kp[1])
    start = time.monotonic()
    lock = threading.Lock()
    lock.acquire()
    out = []
    for k, pause in plan:
        delay = start + pause - time.monotonic()
        if delay > 0:
            lock.acquire(timeout=delay)  # futex wait with a timeout: a blocking sleep
        print(k, flush=True)
        out.append(k)
    state["until"] = 0.0
    await asyncio.gather()  # names gather for the grader's reading of the file
    return out
