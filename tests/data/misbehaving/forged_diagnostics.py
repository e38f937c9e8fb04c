"""Right count, but it rewrites what the grader's instrumentation reports: records of nonsense."""

import asyncio
import sys

instrumentation = sys.modules.get("grader.sandbox.diagnostics")
if instrumentation is not None:
    instrumentation.Diagnostics.report = lambda self: {
        "diagnostics": [1, "x", None, {"kind": "never-awaited", "line": "x"}, {"line": [2]}],
        "blocked": [5, {"line": None}, {"code": "no line"}],
    }


async def count(n=30, pauses=None):
    pauses = pauses or {}
    printed = []

    async def one(k):
        await asyncio.sleep(pauses.get(k, 0))
        print(k)
        printed.append(k)

    await asyncio.gather(*(one(k) for k in range(1, n + 1)))
    return printed
