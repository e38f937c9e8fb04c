"""Kitchen: chefs who don't wait for the oven.

Fix `cook` so it does not block the event loop, then make `make_breakfast`
cook every dish at the same time. See kitchen.md.
"""

import asyncio
import time


async def cook(dish: str, seconds: float) -> str:
    """Wait `seconds` seconds without blocking the event loop, then return `dish`."""
    time.sleep(seconds)  # TODO: this blocks the whole event loop! Wait the asyncio way.
    # TODO: return the dish once it is ready.


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    """Cook every dish of `menu` concurrently; return the names in the order they finished."""
    finished = []
    for dish, seconds in menu.items():
        # TODO: this waits for each dish before starting the next one.
        finished.append(await cook(dish, seconds))
    return finished


if __name__ == "__main__":
    start = time.perf_counter()
    print(asyncio.run(make_breakfast({"eggs": 0.3, "toast": 0.2, "coffee": 0.1})))
    print(f"took {time.perf_counter() - start:.2f} s (about 0.3 s when it works)")
