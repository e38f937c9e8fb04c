"""Says, as the sandbox would, that the sandbox failed: a grading that leaves no report."""

import asyncio
import json
import os


async def count(n=30, pauses=None):
    failed = {"op": "failed", "reason": "seccomp filter could not be loaded"}
    os.write(3, json.dumps(failed).encode() + b"\n")
    await asyncio.sleep(10)
