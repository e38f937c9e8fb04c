"""Wrong mechanism: a thread per dish, each cooking with asyncio.run on a loop of its own.

The order and the time come out right, but the dishes are not tasks on the one
event loop make_breakfast runs on.
"""

import asyncio
import threading


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    finished: list[str] = []
    lock = threading.Lock()

    def chef(dish: str, seconds: float) -> None:
        ready = asyncio.run(cook(dish, seconds))
        with lock:
            finished.append(ready)

    chefs = [threading.Thread(target=chef, args=item) for item in menu.items()]
    for thread in chefs:
        thread.start()
    while any(thread.is_alive() for thread in chefs):
        await asyncio.sleep(0.002)
    return finished
