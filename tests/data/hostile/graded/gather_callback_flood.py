"""gather: asks for 200 000 fetches of a key that does not exist, in 4 KB writes, then waits.

Each request costs the grader's loop a task, the callable's run and a reply:
before the cap on requests, one grading of gather's public checks cost the
grader about 8 s of CPU (0.8 s for an honest file), under the 100 000
messages and 64 MB caps.
"""

import asyncio
import json
import os


async def fetch_all(fetch, keys):
    lines = b"".join(
        json.dumps({"op": "callback", "id": 10_000 + i, "fn": 1, "args": ["nokey"], "kwargs": {}})
        .encode() + b"\n"
        for i in range(200_000)
    )  # fmt: skip
    view = memoryview(lines)
    while view:
        view = view[os.write(3, view[:4000]) :]
    await asyncio.sleep(3)
    return []
