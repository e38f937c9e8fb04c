"""cook uses time.sleep inside the coroutine: blocks the loop, so the dishes cook in turn."""

import asyncio
import time


async def cook(dish: str, seconds: float) -> str:
    time.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    # Tasks start in menu order (as_completed on bare coroutines would start them
    # in set order), and each blocks the loop until its dish is done.
    dishes = [asyncio.create_task(cook(dish, seconds)) for dish, seconds in menu.items()]
    return [await ready for ready in asyncio.as_completed(dishes)]
