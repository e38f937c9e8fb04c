"""Wrong: each pause is a Python child process that sleeps, waited for (red team)."""

import subprocess
import sys
import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        if k in pauses:
            subprocess.run([sys.executable, "-c", f"import time; time.sleep({pauses[k]})"])
        print(k)
    return time.perf_counter() - start
