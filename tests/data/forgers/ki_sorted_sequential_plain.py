"""kitchen plain: dishes cooked one after another in the order of their cooking times."""

import asyncio


async def cook(dish, seconds):
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu):
    finished = []
    for dish in sorted(menu, key=menu.get):
        finished.append(await cook(dish, menu[dish]))
    await asyncio.gather()
    return finished
