"""gather: stops reading, then asks for 150 fetches of a 4 MB key, which an error quotes back."""

import asyncio
import json
import os


async def fetch_all(fetch, keys):
    _held, (empty, _) = os.dup(4), os.pipe()  # _held keeps the real pipe open
    os.dup2(empty, 4)  # the reader thread now waits on a pipe nobody writes
    key = "A" * (4 * 1024 * 1024 - 200)
    for i in range(150):
        line = (
            json.dumps(
                {"op": "callback", "id": 10_000 + i, "fn": 1, "args": [key], "kwargs": {}}
            ).encode()
            + b"\n"
        )
        view = memoryview(line)
        while view:
            view = view[os.write(3, view) :]
    await asyncio.sleep(3600)
