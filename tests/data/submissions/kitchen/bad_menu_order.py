"""uses gather, so the dishes come back in menu order, not in the order they finished."""

import asyncio


async def cook(dish: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    return await asyncio.gather(*(cook(dish, seconds) for dish, seconds in menu.items()))
