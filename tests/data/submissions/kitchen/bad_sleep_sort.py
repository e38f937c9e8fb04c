"""make_breakfast cooks nothing: it sorts the menu and sleeps each gap with time.sleep."""

import asyncio
import time


async def cook(dish, seconds):
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu):
    start = time.monotonic()
    ready = []
    for dish in sorted(menu, key=menu.get):
        time.sleep(max(0.0, start + menu[dish] - time.monotonic()))
        ready.append(dish)
    return ready
