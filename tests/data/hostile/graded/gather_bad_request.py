"""gather: the reference solution, after a request whose arguments cannot be decoded.

A CALLBACK whose args are {"$exc": []} made the grader's decoder raise
IndexError, which the router did not count as a malformed message: the
error escaped into the grader's event loop, the rest of that read was
dropped unrouted, and the child went on as if nothing had happened. A
message the grader cannot read must stop the child, as any other does.
"""

import asyncio
import json
import os


async def fetch_all(fetch, keys):
    bad = {"op": "callback", "id": 99_999, "fn": 1, "args": {"$exc": []}, "kwargs": {}}
    os.write(3, json.dumps(bad).encode() + b"\n")
    await asyncio.sleep(0.1)
    return await asyncio.gather(*(fetch(key) for key in keys))
