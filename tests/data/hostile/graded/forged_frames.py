"""count-async: sequential.py, plus every message it can forge on its own pipe (fd 3).

Before the work: an early RETURN of the right answer (for the call ids the
grader would use), DONE with nothing pending, PONGs for every ping number,
SERVING, READY with more functions, and the zygote's and keeper's words
(SPAWNED, GONE, HELLO, LISTENING). Each line is one write under PIPE_BUF, so
none is torn. It should earn nothing sequential.py does not.
"""

import asyncio
import json
import os


def _forge(n, pauses):
    right = sorted(range(1, n + 1), key=lambda k: (pauses.get(k, 0), k))
    lines = []
    for call in range(1, 40):
        lines.append({"op": "return", "id": call, "value": right})
        lines.append({"op": "done", "id": call, "pending": 0})
        lines.append({"op": "returned", "id": call, "what": "coroutine"})
    lines += [{"op": "pong", "seq": seq} for seq in range(0, 400)]
    lines += [
        {"op": "serving"},
        {"op": "ready", "functions": {"count": "async", "grade": "sync"}},
        {"op": "spawned", "id": 1, "pid": 1},
        {"op": "gone", "id": 1},
        {"op": "hello", "isolation": "none"},
        {"op": "listening", "port": 1},
    ]
    for line in lines:
        os.write(3, json.dumps(line).encode() + b"\n")


async def count(n=30, pauses=None):
    pauses = pauses or {}
    _forge(n, pauses)
    printed = []
    for k in range(1, n + 1):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)
    return printed
