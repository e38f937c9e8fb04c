"""awaits each dish before starting the next: sequential."""

import asyncio


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    finished = []
    for dish, seconds in menu.items():
        finished.append(await cook(dish, seconds))
    return finished
