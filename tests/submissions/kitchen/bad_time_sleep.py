"""cook uses time.sleep inside the coroutine: blocks the loop, so the dishes cook in turn."""

import asyncio
import time


async def cook(dish: str, seconds: float) -> str:
    time.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    dishes = [cook(dish, seconds) for dish, seconds in menu.items()]
    return [await ready for ready in asyncio.as_completed(dishes)]
