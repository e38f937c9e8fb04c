"""What a child costs to start, under each isolation backend this machine offers.

    python bench/isolation.py [--runs 30]

For each backend: the zygote's start (once per grading), then RUNS children
started one after another (the fork, the check's namespaces or Landlock, the
submission's import: until it is ready for its first call) and closed (until
nothing of it is left). Prints median, minimum and maximum of each, and the
ratio of each backend's median start to that of `none`, in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.sandbox import Limits, isolation  # noqa: E402
from grader.sandbox.forkserver import ForkServer  # noqa: E402
from grader.sandbox.handle import Sandbox  # noqa: E402

SUBMISSION = REPO / "solutions" / "count-async.py"


async def measure(chosen: isolation.Isolation, runs: int) -> dict[str, list[float]]:
    server = ForkServer(chosen)
    started = time.perf_counter()
    server.warm()
    await asyncio.to_thread(lambda: server.zygote)
    zygote = time.perf_counter() - started
    starts, closes = [], []
    for _ in range(runs):
        child = Sandbox(SUBMISSION, Limits(), server)
        began = time.perf_counter()
        await child.start()
        starts.append(time.perf_counter() - began)
        began = time.perf_counter()
        await child.close()
        closes.append(time.perf_counter() - began)
    server.close()
    return {"zygote": [zygote], "start": starts, "close": closes}


def offered() -> list[isolation.Isolation]:
    found = []
    for backend in isolation.Backend:
        result = isolation.probe(backend)
        if isinstance(result, isolation.Isolation):
            found.append(result)
        else:
            print(f"{backend}: not available here ({result})")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    for chosen in offered():
        results[chosen.backend] = asyncio.run(measure(chosen, args.runs))
        row = results[chosen.backend]
        print(
            f"{chosen.backend:<11} zygote {1000 * row['zygote'][0]:6.1f} ms; child start "
            + " / ".join(f"{1000 * f(row['start']):.1f}" for f in (statistics.median, min, max))
            + " ms (median / min / max); close "
            + " / ".join(f"{1000 * f(row['close']):.1f}" for f in (statistics.median, min, max))
            + " ms"
        )
    base = results.get(isolation.Backend.NONE)
    if base:
        for backend, row in results.items():
            ratio = statistics.median(row["start"]) / statistics.median(base["start"])
            print(f"{backend}: a child start costs {ratio:.2f}x what it does without isolation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
