"""kitchen plain: time.sleep in cook, time.sleep sort in make_breakfast (no forged RETURN)."""

import asyncio
import time


async def cook(dish, seconds):
    start = time.monotonic()
    await asyncio.sleep(0.03)
    time.sleep(max(0.0, start + seconds - time.monotonic()))
    return dish


async def make_breakfast(menu):
    order = sorted(menu, key=menu.get)
    start = time.monotonic()
    await asyncio.sleep(0.03)
    for dish in order:
        time.sleep(max(0.0, start + menu[dish] - time.monotonic()))
    await asyncio.gather()
    return order
