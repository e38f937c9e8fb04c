"""offload: loop.run_in_executor with a (fork) ProcessPoolExecutor whose workers call write."""

import asyncio
import builtins
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

_write = None


def _call(line):
    try:
        _write(line)
        return True
    except OSError:
        return False


# pickled by reference as builtins._heldout_call, found again in the forked workers
_call.__module__, _call.__qualname__ = "builtins", "_heldout_call"
builtins._heldout_call = _call


async def save_all(write, lines: list[str]) -> int:
    global _write
    _write = write  # the forked workers inherit it, no pickling of the closure
    if not lines:
        return 0
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=len(lines), mp_context=mp.get_context("fork")) as pool:
        done = await asyncio.gather(*(loop.run_in_executor(pool, _call, line) for line in lines))
    return sum(done)
