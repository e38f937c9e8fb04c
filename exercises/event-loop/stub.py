"""Event loop: drive the loop yourself. See event-loop.md."""

import asyncio
import time


def run_in_new_loop(coros: list) -> list:
    """Run `coros` concurrently on a new event loop (no asyncio.run), close it, return results."""
    raise NotImplementedError("run_in_new_loop: new_event_loop, run_until_complete, close")


if __name__ == "__main__":
    start = time.perf_counter()
    print(run_in_new_loop([asyncio.sleep(0.3, "a"), asyncio.sleep(0.1, "b")]))  # ['a', 'b']
    print(f"took {time.perf_counter() - start:.2f} s (about 0.3 s when it works)")
